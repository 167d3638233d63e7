/**
 * Per-stream sequence numbers (DESIGN §4) so a reconnecting client can resume from a cursor.
 * Bounded: beyond `maxStreams` live streams the least recently used counter is forgotten.
 */
export class StreamSequencer {
  readonly #next = new Map<string, number>();
  readonly #maxStreams: number;

  constructor(maxStreams: number) {
    this.#maxStreams = maxStreams;
  }

  get size(): number {
    return this.#next.size;
  }

  next(stream: string): number {
    const seq = (this.#next.get(stream) ?? 0) + 1;
    // Re-insert so Map order is least-recently-used first.
    this.#next.delete(stream);
    this.#next.set(stream, seq);
    if (this.#next.size > this.#maxStreams) {
      const oldest = this.#next.keys().next();
      if (oldest.done !== true) this.#next.delete(oldest.value);
    }
    return seq;
  }

  end(stream: string): void {
    this.#next.delete(stream);
  }
}
