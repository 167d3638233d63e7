/**
 * Bounded capture of a program's output stream: the first `head` bytes and the last `tail` bytes are
 * kept, the middle only counted, so any amount of output costs fixed memory and the model sees both how
 * the output began and how it ended, with a notice of how much was left out between them.
 */
import { decodeText, formatBytes } from './text.ts';

export class OutputCapture {
  readonly #headLimit: number;
  readonly #tailLimit: number;
  #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #total = 0;

  constructor(head: number, tail: number) {
    this.#headLimit = head;
    this.#tailLimit = tail;
  }

  get total(): number {
    return this.#total;
  }

  push(bytes: Buffer): void {
    this.#total += bytes.length;
    let rest = bytes;
    if (this.#headBytes < this.#headLimit) {
      const take = Math.min(rest.length, this.#headLimit - this.#headBytes);
      this.#head.push(rest.subarray(0, take));
      this.#headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    this.#tail.push(rest);
    this.#tailBytes += rest.length;
    while (this.#tailBytes - (this.#tail[0]?.length ?? 0) >= this.#tailLimit) this.#tailBytes -= (this.#tail.shift() as Buffer).length;
  }

  /** The text kept, with a notice in place of what was left out. */
  text(): string {
    const head = Buffer.concat(this.#head);
    let tail = Buffer.concat(this.#tail);
    if (tail.length > this.#tailLimit) tail = tail.subarray(tail.length - this.#tailLimit);
    const omitted = this.#total - head.length - tail.length;
    if (omitted <= 0) return decodeText(Buffer.concat([head, tail]));
    return `${decodeText(head)}\n[… ${formatBytes(omitted)} of output left out (${formatBytes(this.#total)} in all) …]\n${decodeText(tail)}`;
  }
}
