/**
 * Raw bytes to and from this process's terminal or pipes, for commands that move data rather than
 * print lines (`fs cat`, `fs get -`, `vm run` output): writes wait for a full pipe to drain, so a slow
 * reader holds back the transfer instead of filling memory.
 */
import type { Writable } from 'node:stream';

/** Writes `chunk` and resolves once the stream can take more. */
export function writeAll(stream: Writable, chunk: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    stream.once('error', onError);
    const more = stream.write(chunk, (error) => {
      if (error !== undefined && error !== null) reject(error);
    });
    const done = (): void => {
      stream.off('error', onError);
      resolve();
    };
    if (more) done();
    else stream.once('drain', done);
  });
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
export function flushed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
}

export const stdout = (): Writable => process.stdout;
export const stderr = (): Writable => process.stderr;
