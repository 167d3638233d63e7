/**
 * A client attached to this node's bus: its subscriptions, its bounded queue and its pending requests.
 * Backends differ only in the ClientHost they give it (how envelopes leave this node).
 */
import { KernelError, toKernelError } from '../contracts/errors.ts';
import type { BusClient, ClientOptions, ClientStats, PublishOptions, RequestOptions } from './bus.ts';
import { type Envelope, type Payload, REQUEST_ID, SEQUENCE, STREAM, makeEnvelope, newId, requestIdOf } from './envelope.ts';
import type { LocalRouter } from './local-router.ts';
import { PATTERN_REGEX, ackTopicOf, assertTopic, errorTopicOf } from './topics.ts';

export interface ClientHost {
  readonly router: LocalRouter;
  readonly queueLimit: number;
  readonly requestTimeoutMs: number;
  nextSequence(stream: string): number;
  /** Sends an event or addressed envelope to every node (including this one). */
  sendEvent(envelope: Envelope, droppable: boolean): void;
  /** Sends a request to the server of its topic. Failing to reach one must answer with an addressed error. */
  sendRequest(envelope: Envelope): void;
  patternAdded(pattern: string, first: boolean): void;
  patternRemoved(pattern: string, last: boolean): void;
  clientClosed(client: LocalClient): void;
}

/** Envelope `to`/`from` fields hold at most this many characters. */
export const MAX_CLIENT_ID_LENGTH = 200;

interface Pending {
  topic: string;
  resolve: (payload: Payload) => void;
  reject: (error: KernelError) => void;
  timer: NodeJS.Timeout;
}

export class LocalClient implements BusClient {
  readonly id: string;
  readonly #host: ClientHost;
  readonly #onMessage: (envelope: Envelope) => void;
  readonly #onOverflow: (() => void) | undefined;
  readonly #accept: ((envelope: Envelope) => boolean) | undefined;
  readonly #limit: number;
  readonly #patterns = new Set<string>();
  readonly #pending = new Map<string, Pending>();
  #queue: Envelope[] = [];
  #head = 0;
  #paused = false;
  #draining = false;
  #closed = false;
  #delivered = 0;
  #dropped = 0;
  #unannouncedDrops = 0;

  constructor(host: ClientHost, options: ClientOptions) {
    this.id = options.id ?? `client:${newId()}`;
    if (this.id.length === 0 || this.id.length > MAX_CLIENT_ID_LENGTH) {
      throw new KernelError('payload_invalid', `client id must be 1 to ${MAX_CLIENT_ID_LENGTH} characters`);
    }
    this.#host = host;
    this.#onMessage = options.onMessage;
    this.#onOverflow = options.onOverflow;
    this.#accept = options.accept;
    this.#limit = options.queueLimit ?? host.queueLimit;
    if (!Number.isInteger(this.#limit) || this.#limit < 1) {
      throw new KernelError('payload_invalid', 'queueLimit must be a positive integer');
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  subscribe(pattern: string): void {
    this.#assertOpen();
    if (!PATTERN_REGEX.test(pattern)) {
      throw new KernelError('payload_invalid', `invalid subscription pattern: ${JSON.stringify(pattern)}`);
    }
    if (this.#patterns.has(pattern)) return;
    this.#patterns.add(pattern);
    this.#host.patternAdded(pattern, this.#host.router.addPattern(this, pattern));
  }

  unsubscribe(pattern: string): void {
    if (!this.#patterns.delete(pattern)) return;
    this.#host.patternRemoved(pattern, this.#host.router.removePattern(this, pattern));
  }

  patterns(): readonly string[] {
    return [...this.#patterns];
  }

  publish(topic: string, payload?: Payload, options: PublishOptions = {}): Envelope {
    this.#assertOpen();
    // An event's topic names where it goes (a NATS subject, say), so it must be a topic. An addressed
    // envelope goes by `to`; its topic may be derived (`<topic>:ack`) or echo a malformed frame's topic.
    if (options.to === undefined) assertTopic(topic);
    else if (options.to.length === 0 || options.to.length > MAX_CLIENT_ID_LENGTH) {
      throw new KernelError('payload_invalid', 'to must be a client id');
    }
    let body = payload;
    if (options.stream !== undefined) {
      body = { ...payload, [STREAM]: options.stream, [SEQUENCE]: this.#host.nextSequence(options.stream) };
    }
    const envelope = makeEnvelope(topic, this.id, body, options.to);
    this.#host.sendEvent(envelope, options.droppable === true && options.to === undefined);
    return envelope;
  }

  request(topic: string, payload: Payload = {}, options: RequestOptions = {}): Promise<Payload> {
    if (this.#closed) return Promise.reject(new KernelError('cancelled', 'bus client is closed'));
    try {
      assertTopic(topic);
    } catch (thrown) {
      return Promise.reject(toKernelError(thrown));
    }
    const requestId = newId();
    const timeoutMs = options.timeoutMs ?? this.#host.requestTimeoutMs;
    return new Promise<Payload>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(new KernelError('timeout', `request ${topic} timed out after ${timeoutMs} ms`, { timeoutMs }));
      }, timeoutMs);
      const pending: Pending = { topic, resolve, reject, timer };
      this.#pending.set(requestId, pending);
      try {
        this.#host.sendRequest(makeEnvelope(topic, this.id, { ...payload, [REQUEST_ID]: requestId }));
      } catch (thrown) {
        // Hosts answer failures with an addressed error; this only guards against a host that throws.
        this.#finish(requestId, pending);
        reject(toKernelError(thrown));
      }
    });
  }

  /** The topic of a request still waiting for its reply; lets a backend build that request's error. */
  pendingTopic(requestId: string): string | undefined {
    return this.#pending.get(requestId)?.topic;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#drain();
  }

  stats(): ClientStats {
    return { queued: this.#queue.length - this.#head, delivered: this.#delivered, dropped: this.#dropped };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const pattern of this.#patterns) {
      this.#host.patternRemoved(pattern, this.#host.router.removePattern(this, pattern));
    }
    this.#patterns.clear();
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new KernelError('cancelled', 'bus client closed before the reply arrived'));
    }
    this.#pending.clear();
    this.#queue = [];
    this.#head = 0;
    this.#host.clientClosed(this);
  }

  /** Called by the router. Never throws. */
  enqueue(envelope: Envelope, droppable: boolean): void {
    if (this.#closed || !this.#accepts(envelope)) return;
    if (this.#queue.length - this.#head >= this.#limit) {
      if (droppable) {
        this.#dropped++;
        this.#unannouncedDrops++;
        this.#host.router.dropped++;
        return;
      }
      this.close();
      try {
        this.#onOverflow?.();
      } catch {
        // Like onMessage: the client's failure must not reach the publisher or the transport.
      }
      return;
    }
    if (this.#paused || this.#draining || this.#head < this.#queue.length || this.#unannouncedDrops > 0) {
      this.#queue.push(envelope);
      this.#drain();
      return;
    }
    // Fast path: nothing is waiting, so deliver without touching the queue.
    this.#draining = true;
    try {
      this.#deliver(envelope);
    } finally {
      this.#draining = false;
    }
    if (this.#head < this.#queue.length) this.#drain();
  }

  #accepts(envelope: Envelope): boolean {
    if (this.#accept === undefined) return true;
    try {
      return this.#accept(envelope);
    } catch {
      return false;
    }
  }

  #drain(): void {
    // Re-entrant publishes (a handler publishing to itself) queue behind the current envelope.
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (!this.#paused && !this.#closed) {
        if (this.#head >= this.#queue.length) {
          if (this.#unannouncedDrops === 0) break;
          this.#queue.push(makeEnvelope('bus.dropped', 'kernel', { count: this.#unannouncedDrops }, this.id));
          this.#unannouncedDrops = 0;
        }
        const envelope = this.#queue[this.#head] as Envelope;
        this.#head++;
        this.#deliver(envelope);
      }
      if (this.#head >= this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    } finally {
      this.#draining = false;
    }
  }

  #deliver(envelope: Envelope): void {
    this.#delivered++;
    this.#host.router.delivered++;
    if (envelope.to === this.id && this.#settle(envelope)) return;
    try {
      this.#onMessage(envelope);
    } catch {
      // A subscriber's failure is its own; it must not stop delivery to it or to others.
    }
  }

  /** Resolves a pending request from its reply; true when the envelope was a reply to one. */
  #settle(envelope: Envelope): boolean {
    const requestId = requestIdOf(envelope);
    if (requestId === undefined) return false;
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return false;
    const payload = envelope.payload ?? {};
    if (envelope.topic === ackTopicOf(pending.topic)) {
      const { [REQUEST_ID]: _id, ...reply } = payload;
      this.#finish(requestId, pending);
      pending.resolve(reply);
      return true;
    }
    if (envelope.topic === errorTopicOf(pending.topic)) {
      this.#finish(requestId, pending);
      pending.reject(errorFromPayload(payload));
      return true;
    }
    return false;
  }

  #finish(requestId: string, pending: Pending): void {
    clearTimeout(pending.timer);
    this.#pending.delete(requestId);
  }

  #assertOpen(): void {
    if (this.#closed) throw new KernelError('cancelled', 'bus client is closed');
  }
}

function errorFromPayload(payload: Payload): KernelError {
  const parsed = KernelError.parsePayload(payload);
  return parsed ?? new KernelError('internal_error', 'malformed error reply');
}
