/**
 * Coalesces outgoing events: consecutive envelopes for one subject, published in one tick, leave as one
 * NATS message whose body is a JSON array of envelopes (a lone envelope still travels as a bare object).
 * It saves the per-message cost of the NATS client, server and receiving node, which dominates for small
 * events. Order is kept: a change of subject, or any other send (`flush()` first), ends the run, so one
 * node's envelopes reach each other node in the order they were published. The flush runs as a
 * microtask, as the NATS client's own socket write does, so no latency is added.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { KernelError } from '../contracts/errors.ts';

/** Most UTF-16 units gathered into one NATS message; bounded well under the usual 1 MiB max_payload. */
const BATCH_CHARS = 60_000;

export class NatsBatcher {
  readonly #nc: NatsConnection;
  readonly #maxChars: number;
  #subject: string | undefined;
  #body = '';
  #count = 0;
  #scheduled = false;

  constructor(nc: NatsConnection) {
    this.#nc = nc;
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    this.#maxChars = Math.min(BATCH_CHARS, Math.floor(this.#maxPayload() / 3));
  }

  /** Queues one JSON-encoded envelope for `subject`; throws `payload_too_large` when it can never fit. */
  add(subject: string, json: string): void {
    if (json.length > this.#maxChars && Buffer.byteLength(json, 'utf8') > this.#maxPayload()) {
      throw new KernelError('payload_too_large', 'envelope exceeds the NATS max_payload', { maxBytes: this.#maxPayload() });
    }
    if (subject !== this.#subject || this.#body.length + json.length > this.#maxChars) {
      this.flush();
      this.#subject = subject;
    }
    this.#body = this.#count === 0 ? json : `${this.#body},${json}`;
    this.#count++;
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#onTick);
    }
  }

  /** Publishes what is gathered. Call before any other send so that order is kept. */
  flush(): void {
    if (this.#count === 0 || this.#subject === undefined) return;
    const body = this.#count === 1 ? this.#body : `[${this.#body}]`;
    const subject = this.#subject;
    this.#body = '';
    this.#count = 0;
    this.#subject = undefined;
    try {
      this.#nc.publish(subject, Buffer.from(body, 'utf8'));
    } catch {
      // Only a connection closed since add() gets here; the bus's own close answers its clients.
    }
  }

  readonly #onTick = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  #maxPayload(): number {
    return this.#nc.info?.max_payload ?? 1024 * 1024;
  }
}
