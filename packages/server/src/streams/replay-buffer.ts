/**
 * Recent stream events kept for clients that reconnect (DESIGN §4 stream cursors). The bus stamps each
 * stream event with `_stream` and a per-stream `_seq`; this keeps the last `events_per_stream` events of
 * up to `max_streams` streams within `max_bytes`, forgetting the least recently written stream first.
 */
import { type Envelope, type Payload, SEQUENCE, STREAM } from '@aether/kernel';
import type { ReplayOptions } from '../options.ts';

export interface StoredEvent {
  readonly topic: string;
  readonly payload: Payload;
  readonly seq: number;
  readonly bytes: number;
}

export interface Replay {
  readonly events: readonly StoredEvent[];
  /** False when events right after the cursor are no longer kept: the client missed some for good. */
  readonly complete: boolean;
}

export class ReplayBuffer {
  readonly #options: ReplayOptions;
  /** Map order is recency: a stream written to moves to the end. */
  readonly #streams = new Map<string, StoredEvent[]>();
  /** Last sequence number of streams forgotten whole, so a resume from before it is known to have a gap. */
  readonly #forgotten = new Map<string, number>();
  #bytes = 0;

  constructor(options: ReplayOptions) {
    this.#options = options;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get streamCount(): number {
    return this.#streams.size;
  }

  /** Keeps the envelope when it is a stream event; ignores anything else. */
  record(envelope: Envelope): void {
    const payload = envelope.payload;
    const stream = payload?.[STREAM];
    const seq = payload?.[SEQUENCE];
    if (payload === undefined || typeof stream !== 'string' || typeof seq !== 'number' || this.#options.max_streams === 0) return;
    const bytes = JSON.stringify(payload).length + envelope.topic.length;
    if (bytes > this.#options.max_bytes) return;
    let events = this.#streams.get(stream);
    if (events === undefined) {
      events = [];
      this.#forgotten.delete(stream);
    }
    else this.#streams.delete(stream);
    this.#streams.set(stream, events);
    events.push({ topic: envelope.topic, payload, seq, bytes });
    this.#bytes += bytes;
    if (events.length > this.#options.events_per_stream) this.#bytes -= (events.shift() as StoredEvent).bytes;
    this.#evict(stream);
  }

  /** Kept events of `stream` with a sequence number above `cursor`, oldest first. */
  after(stream: string, cursor: number): Replay {
    const events = this.#streams.get(stream);
    if (events === undefined || events.length === 0) return { events: [], complete: (this.#forgotten.get(stream) ?? 0) <= cursor };
    const first = events[0] as StoredEvent;
    const newer = events.filter((event) => event.seq > cursor);
    // A stream whose counter restarted (seq below the cursor) is replayed whole, and counts as a gap.
    const restarted = (events[events.length - 1] as StoredEvent).seq < cursor;
    return { events: restarted ? events : newer, complete: !restarted && (newer.length === 0 || first.seq <= cursor + 1) };
  }

  /** Drops whole streams, least recently written first, until both bounds hold; never the one just written. */
  #evict(keep: string): void {
    for (const [stream, events] of this.#streams) {
      if (this.#streams.size <= this.#options.max_streams && this.#bytes <= this.#options.max_bytes) return;
      if (stream === keep) continue;
      this.#streams.delete(stream);
      for (const event of events) this.#bytes -= event.bytes;
      this.#forget(stream, events[events.length - 1]?.seq ?? 0);
    }
    const own = this.#streams.get(keep);
    while (own !== undefined && own.length > 1 && this.#bytes > this.#options.max_bytes) this.#bytes -= (own.shift() as StoredEvent).bytes;
  }

  #forget(stream: string, lastSeq: number): void {
    this.#forgotten.set(stream, lastSeq);
    if (this.#forgotten.size > Math.max(1, this.#options.max_streams)) {
      const oldest = this.#forgotten.keys().next();
      if (oldest.done !== true) this.#forgotten.delete(oldest.value);
    }
  }
}
