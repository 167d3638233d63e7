/**
 * Bounds expensive work (password hashing): at most `concurrency` jobs run at once and at most `queue`
 * wait; past that a caller is refused with `rate_limited` at once instead of piling up memory and latency.
 */
import { KernelError } from '../contracts/errors.ts';

export class WorkGate {
  readonly #concurrency: number;
  readonly #queue: number;
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(options: { concurrency: number; queue: number }) {
    this.#concurrency = options.concurrency;
    this.#queue = options.queue;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#queue) {
        throw new KernelError('rate_limited', 'too many password checks are in progress; try again shortly', { resetMs: 1000 });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await job();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.#waiting.shift();
      if (next === undefined) this.#running--;
      else next();
    }
  }
}
