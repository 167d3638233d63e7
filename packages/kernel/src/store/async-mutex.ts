/**
 * A FIFO async mutex. Used where one logical writer must own a resource across awaits (the single
 * SQLite connection during a transaction, in-process audit appends). The uncontended path allocates
 * one promise; waiters are served strictly in arrival order.
 */

export type Release = () => void;

export class Mutex {
  #locked = false;
  readonly #waiters: Array<(release: Release) => void> = [];

  /** True while someone holds the mutex. */
  get locked(): boolean {
    return this.#locked;
  }

  /** Number of callers waiting for the mutex. */
  get waiting(): number {
    return this.#waiters.length;
  }

  acquire(): Promise<Release> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next === undefined) this.#locked = false;
      else next(this.#releaser());
    };
  }
}
