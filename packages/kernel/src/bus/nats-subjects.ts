/**
 * How NatsBus names things on NATS. Every subject starts with the bus's prefix, so buses (and test runs)
 * on one NATS server never see each other:
 *
 *   <prefix>.ev.<topic>                      events (non-droppable)
 *   <prefix>.ds.<topic>                      droppable stream events
 *   <prefix>.to.<client>                     envelopes addressed to one client (replies included)
 *   <prefix>.rq.<topic>                      requests; servers listen in one queue group
 *   <prefix>.nr.<node>.<client>.<request>    the reply subject of a request: only ever receives NATS's
 *                                            "no responders" status, which becomes a `not_found` error
 *
 * Topics are dotted or coloned words (TOPIC_PATTERN), so they carry no whitespace, `*` or `>`. A `.` stays
 * a NATS token separator and a `:` is kept and followed by one (`vfs:write` → `vfs:.write`): the mapping
 * is reversible, every token is non-empty, and Aether patterns map exactly onto NATS wildcards
 * (`vm.*` → `vm.>`, `vfs:*` → `vfs:.>`, `*` → `>`) should a node ever subscribe by interest.
 * Client ids are free text, so ids outside `[A-Za-z0-9_:-]` travel as `=` + base64url.
 */
import { KernelError } from '../contracts/errors.ts';

const PREFIX_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const SAFE_TOKEN = /^[A-Za-z0-9_:-]+$/;

export const SERVER_QUEUE = 'aether-servers';

export function topicToToken(topic: string): string {
  return topic.includes(':') ? topic.replaceAll(':', ':.') : topic;
}

export function tokenToTopic(token: string): string {
  return token.includes(':.') ? token.replaceAll(':.', ':') : token;
}

export function clientToken(id: string): string {
  return SAFE_TOKEN.test(id) ? id : `=${Buffer.from(id, 'utf8').toString('base64url')}`;
}

export function clientFromToken(token: string): string {
  return token.startsWith('=') ? Buffer.from(token.slice(1), 'base64url').toString('utf8') : token;
}

export class NatsSubjects {
  readonly prefix: string;
  /** Every event subject of this bus, droppable or not. */
  readonly allEvents: string;
  readonly allDroppable: string;
  readonly #event: string;
  readonly #droppable: string;
  readonly #to: string;
  readonly #request: string;
  readonly #noResponders: string;

  constructor(prefix: string, nodeId: string) {
    if (!PREFIX_PATTERN.test(prefix) || prefix.length > 100) {
      throw new KernelError('payload_invalid', `invalid NATS subject prefix: ${JSON.stringify(prefix)}`);
    }
    if (!SAFE_TOKEN.test(nodeId)) throw new KernelError('payload_invalid', `invalid node id: ${JSON.stringify(nodeId)}`);
    this.prefix = prefix;
    this.#event = `${prefix}.ev.`;
    this.#droppable = `${prefix}.ds.`;
    this.#to = `${prefix}.to.`;
    this.#request = `${prefix}.rq.`;
    this.#noResponders = `${prefix}.nr.${nodeId}.`;
    this.allEvents = `${this.#event}>`;
    this.allDroppable = `${this.#droppable}>`;
  }

  /** This node's reply subjects (for no-responders statuses). */
  get allNoResponders(): string {
    return `${this.#noResponders}>`;
  }

  event(topic: string, droppable: boolean): string {
    return (droppable ? this.#droppable : this.#event) + topicToToken(topic);
  }

  /** The topic of an event subject (either kind); cheap enough to filter before decoding a payload. */
  eventTopic(subject: string): string {
    return tokenToTopic(subject.slice(this.#event.length));
  }

  to(clientId: string): string {
    return this.#to + clientToken(clientId);
  }

  request(topic: string): string {
    return this.#request + topicToToken(topic);
  }

  noResponders(clientId: string, requestId: string): string {
    return `${this.#noResponders}${clientToken(clientId)}.${requestId}`;
  }

  /** The client and request a no-responders status was for; undefined for any other subject. */
  parseNoResponders(subject: string): { clientId: string; requestId: string } | undefined {
    if (!subject.startsWith(this.#noResponders)) return undefined;
    const rest = subject.slice(this.#noResponders.length);
    const dot = rest.lastIndexOf('.');
    if (dot <= 0) return undefined;
    return { clientId: clientFromToken(rest.slice(0, dot)), requestId: rest.slice(dot + 1) };
  }
}
