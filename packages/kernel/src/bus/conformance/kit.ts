/**
 * Helpers for the bus conformance suite: the nodes a case runs on, and inboxes that record what a client
 * received and let a case wait for it. Waiting is bounded by the test's own timeout, never by a sleep.
 */
import type { Bus, BusClient, ClientOptions } from '../bus.ts';
import type { Envelope } from '../envelope.ts';

/** Where the parties of a case live: `a` publishes and requests, `b` subscribes and serves. */
export interface Nodes {
  a: Bus;
  b: Bus;
}

export type MakeNodes = () => Promise<Nodes>;

/** A guard for a case that waits: a broken backend fails the test instead of hanging the run. */
export const CASE = { timeout: 30_000 } as const;

/** Runs a case on fresh nodes and closes them whatever happens. */
export async function onNodes<N extends Nodes>(make: () => Promise<N>, run: (nodes: N) => Promise<void>): Promise<void> {
  const nodes = await make();
  try {
    await run(nodes);
  } finally {
    await nodes.a.close();
    if (nodes.b !== nodes.a) await nodes.b.close();
  }
}

/** What one client received, in order. */
export class Inbox {
  readonly envelopes: Envelope[] = [];
  readonly #waiters = new Set<() => void>();

  readonly push = (envelope: Envelope): void => {
    this.envelopes.push(envelope);
    for (const wake of [...this.#waiters]) wake();
  };

  topics(): string[] {
    return this.envelopes.map((envelope) => envelope.topic);
  }

  of(topic: string): Envelope[] {
    return this.envelopes.filter((envelope) => envelope.topic === topic);
  }

  /** Resolves once `check` holds for what has arrived. */
  waitFor(check: (envelopes: readonly Envelope[]) => boolean): Promise<void> {
    if (check(this.envelopes)) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        if (!check(this.envelopes)) return;
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
    });
  }

  /** Resolves once an envelope of `topic` has arrived `count` times. */
  waitForTopic(topic: string, count = 1): Promise<void> {
    return this.waitFor((envelopes) => envelopes.filter((envelope) => envelope.topic === topic).length >= count);
  }
}

export interface Listener {
  client: BusClient;
  inbox: Inbox;
}

/** Connects a client that records what it receives, subscribed to `patterns`. */
export function listen(bus: Bus, patterns: readonly string[] = [], options: Partial<ClientOptions> = {}): Listener {
  const inbox = new Inbox();
  const client = bus.connect({ ...options, onMessage: options.onMessage ?? inbox.push });
  for (const pattern of patterns) client.subscribe(pattern);
  return { client, inbox };
}

/** Waits, yielding to I/O between looks, until `condition` holds (for state that has no event). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** The settled state of a promise without waiting for it: lets a case assert that something has not happened. */
export function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { settled: () => settled, promise };
}
