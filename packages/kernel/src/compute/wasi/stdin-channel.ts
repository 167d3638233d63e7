/**
 * Standard input for a guest whose host calls are synchronous. The runner's main thread receives stdin
 * chunks asynchronously (IPC from the kernel) and hands them to the guest's worker through one
 * SharedArrayBuffer: a control word plus a data window. The worker blocks in Atomics.wait — with a
 * timeout for poll_oneoff — so a guest reading stdin sleeps without spinning, and the kernel can still
 * SIGKILL the whole process at the wall-time limit.
 *
 * Control word `state`: 0 = empty, n > 0 = n bytes in the window, -1 = end of input. Only the producer
 * moves it away from 0 and only the consumer moves it back to 0, so one word orders both sides.
 */
const STATE = 0;
const OFFSET = 1;
const CONTROL_BYTES = 8;
export const STDIN_WINDOW_BYTES = 64 * 1024;
const EOF = -1;

export function createStdinBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES + STDIN_WINDOW_BYTES);
}

/** Main-thread side: queues chunks and refills the window whenever the guest has drained it. */
export class StdinProducer {
  readonly #control: Int32Array;
  readonly #window: Uint8Array;
  readonly #queue: Uint8Array[] = [];
  #ended = false;
  #waiting = false;

  constructor(buffer: SharedArrayBuffer) {
    this.#control = new Int32Array(buffer, 0, 2);
    this.#window = new Uint8Array(buffer, CONTROL_BYTES);
  }

  push(chunk: Uint8Array): void {
    if (this.#ended || chunk.length === 0) return;
    this.#queue.push(chunk);
    this.#pump();
  }

  end(): void {
    this.#ended = true;
    this.#pump();
  }

  #pump(): void {
    if (this.#waiting || Atomics.load(this.#control, STATE) !== 0) return;
    const chunk = this.#queue.shift();
    if (chunk === undefined) {
      if (this.#ended) {
        Atomics.store(this.#control, STATE, EOF);
        Atomics.notify(this.#control, STATE);
      }
      return;
    }
    const n = Math.min(chunk.length, this.#window.length);
    this.#window.set(chunk.subarray(0, n));
    if (n < chunk.length) this.#queue.unshift(chunk.subarray(n));
    Atomics.store(this.#control, OFFSET, 0);
    Atomics.store(this.#control, STATE, n);
    Atomics.notify(this.#control, STATE);
    this.#waiting = true;
    const waited = Atomics.waitAsync(this.#control, STATE, n);
    const resume = (): void => {
      this.#waiting = false;
      this.#pump();
    };
    if (waited.async) void waited.value.then(resume);
    else resume();
  }
}

/** Worker side: blocking reads with an optional timeout. */
export class StdinReader {
  readonly #control: Int32Array;
  readonly #window: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#control = new Int32Array(buffer, 0, 2);
    this.#window = new Uint8Array(buffer, CONTROL_BYTES);
  }

  /** True when a read would not block (data or end of input). */
  ready(): boolean {
    return Atomics.load(this.#control, STATE) !== 0;
  }

  /** Blocks until ready or `timeoutMs` passed; returns readiness. */
  waitReady(timeoutMs: number): boolean {
    if (this.ready()) return true;
    Atomics.wait(this.#control, STATE, 0, timeoutMs);
    return this.ready();
  }

  /** Copies up to `into.length` bytes into `into`; 0 means end of input. Blocks while empty. */
  read(into: Uint8Array): number {
    for (;;) {
      const state = Atomics.load(this.#control, STATE);
      if (state === EOF) return 0;
      if (state > 0) {
        const offset = Atomics.load(this.#control, OFFSET);
        const n = Math.min(into.length, state - offset);
        into.set(this.#window.subarray(offset, offset + n));
        if (offset + n >= state) {
          Atomics.store(this.#control, OFFSET, 0);
          Atomics.store(this.#control, STATE, 0);
          Atomics.notify(this.#control, STATE);
        } else {
          Atomics.store(this.#control, OFFSET, offset + n);
        }
        return n;
      }
      Atomics.wait(this.#control, STATE, 0);
    }
  }
}
