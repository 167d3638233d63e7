/**
 * Where the client is in each stream it has seen: the last `_seq` per `_stream`, and the topic it came
 * on (so a pattern knows which streams to resume). Duplicates (seq at or below the cursor, as a replay
 * can bring) are recognised here. Bounded: the least recently advanced stream is forgotten first.
 */
import { matchesPattern } from './topics.ts';

interface Cursor {
  seq: number;
  topic: string;
}

export class StreamCursors {
  readonly #cursors = new Map<string, Cursor>();
  readonly #max: number;

  constructor(max = 4096) {
    this.#max = max;
  }

  /**
   * Records an event; false when it is one already seen (a duplicate to drop). Sequence 1 always counts
   * as new: the stream started over (a restarted daemon numbers its streams afresh).
   */
  advance(stream: string, seq: number, topic: string): boolean {
    const current = this.#cursors.get(stream);
    if (current !== undefined && seq <= current.seq && seq !== 1) return false;
    this.#cursors.delete(stream);
    this.#cursors.set(stream, { seq, topic });
    if (this.#cursors.size > this.#max) {
      const oldest = this.#cursors.keys().next();
      if (oldest.done !== true) this.#cursors.delete(oldest.value);
    }
    return true;
  }

  /** Cursors of the streams whose events matched `pattern`. */
  for(pattern: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [stream, cursor] of this.#cursors) if (matchesPattern(pattern, cursor.topic)) out[stream] = cursor.seq;
    return out;
  }
}
