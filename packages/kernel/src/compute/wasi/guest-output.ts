/**
 * The guest's stdout and stderr inside the worker: synchronous writes straight to the runner's output
 * pipes, counted against the output limit. The write that crosses the limit delivers what still fits and
 * then stops the guest by throwing OutputLimitExceeded through it (the kernel also counts, and kills).
 */
import fs from 'node:fs';
import type { GuestOutput } from './host/context.ts';

export class OutputLimitExceeded extends Error {
  constructor(limit: number) {
    super(`output limit of ${limit} bytes exceeded`);
    this.name = 'OutputLimitExceeded';
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, data: Uint8Array): void {
  let at = 0;
  while (at < data.length) {
    try {
      at += fs.writeSync(fd, data, at, data.length - at);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

export class PipeOutput implements GuestOutput {
  readonly #fds: { stdout: number; stderr: number };
  readonly #limit: number;
  #written = 0;

  constructor(fds: { stdout: number; stderr: number }, limit: number) {
    this.#fds = fds;
    this.#limit = limit;
  }

  write(stream: 'stdout' | 'stderr', bytes: Uint8Array): void {
    const room = this.#limit - this.#written;
    const n = Math.min(room, bytes.length);
    if (n > 0) writeAll(this.#fds[stream], bytes.subarray(0, n));
    this.#written += n;
    if (n < bytes.length) throw new OutputLimitExceeded(this.#limit);
  }
}
