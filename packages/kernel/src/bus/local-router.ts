/**
 * The node-local subscriber table: which local clients see which envelope. Both backends deliver
 * through it; NatsBus only adds the hop between nodes.
 */
import type { BusBackend, BusStats } from './bus.ts';
import type { Envelope } from './envelope.ts';
import { isWildcard, patternPrefix } from './topics.ts';
import type { LocalClient } from './local-client.ts';

export class LocalRouter {
  readonly #clients = new Map<string, LocalClient>();
  readonly #exact = new Map<string, Set<LocalClient>>();
  readonly #wildcard = new Map<string, Set<LocalClient>>();
  delivered = 0;
  dropped = 0;

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Distinct patterns with at least one local subscriber. */
  get patternCount(): number {
    return this.#exact.size + this.#wildcard.size;
  }

  /** The bus's figures; `published` is counted by the backend, which alone knows what left this node. */
  stats(backend: BusBackend, published: number): BusStats {
    return { backend, clients: this.clientCount, subscriptions: this.patternCount, published, delivered: this.delivered, dropped: this.dropped };
  }

  has(id: string): boolean {
    return this.#clients.has(id);
  }

  get(id: string): LocalClient | undefined {
    return this.#clients.get(id);
  }

  /** The clients now attached, as a copy that closing them cannot disturb. */
  snapshot(): LocalClient[] {
    return [...this.#clients.values()];
  }

  add(client: LocalClient): void {
    this.#clients.set(client.id, client);
  }

  remove(client: LocalClient): void {
    if (this.#clients.get(client.id) === client) this.#clients.delete(client.id);
  }

  /** Returns true when this is the first local subscriber of the pattern. */
  addPattern(client: LocalClient, pattern: string): boolean {
    const table = isWildcard(pattern) ? this.#wildcard : this.#exact;
    const key = patternPrefix(pattern);
    let set = table.get(key);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      table.set(key, set);
    }
    set.add(client);
    return first;
  }

  /** Returns true when the pattern has no local subscriber left. */
  removePattern(client: LocalClient, pattern: string): boolean {
    const table = isWildcard(pattern) ? this.#wildcard : this.#exact;
    const key = patternPrefix(pattern);
    const set = table.get(key);
    if (set === undefined) return false;
    set.delete(client);
    if (set.size > 0) return false;
    table.delete(key);
    return true;
  }

  /** True when some local client's pattern matches the topic (addressed delivery aside). */
  wants(topic: string): boolean {
    if (this.#exact.has(topic)) return true;
    for (const prefix of this.#wildcard.keys()) if (topic.startsWith(prefix)) return true;
    return false;
  }

  /** Delivers to local clients: the addressee only when `to` is set, otherwise every matching subscriber. */
  route(envelope: Envelope, droppable: boolean): void {
    if (envelope.to !== undefined) {
      this.#clients.get(envelope.to)?.enqueue(envelope, droppable);
      return;
    }
    // A client subscribed through several matching patterns still receives the envelope once.
    let seen: Set<LocalClient> | undefined;
    const exact = this.#exact.get(envelope.topic);
    if (exact !== undefined) {
      for (const client of exact) client.enqueue(envelope, droppable);
      if (this.#wildcard.size > 0) seen = new Set(exact);
    }
    for (const [prefix, set] of this.#wildcard) {
      if (!envelope.topic.startsWith(prefix)) continue;
      for (const client of set) {
        if (seen?.has(client) === true) continue;
        (seen ??= new Set()).add(client);
        client.enqueue(envelope, droppable);
      }
    }
  }
}
