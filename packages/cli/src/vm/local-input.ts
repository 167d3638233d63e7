/**
 * This terminal's side of a vm: standard input forwarded as `vm.stdin` (in order, one call at a time,
 * reading paused while a call is in flight, `eof` when input ends) and, with `--tty`, raw mode with the
 * window size sent as `vm.resize` whenever it changes (SIGWINCH).
 */
import { MAX_STDIN_CHUNK, wireData } from './wire-data.ts';

type Send = (payload: Record<string, unknown>) => Promise<unknown>;

export interface Stoppable {
  stop(): void;
}

/** Forwards `input` to the vm through `send` until it ends or `stop()` is called. */
export function forwardInput(input: NodeJS.ReadStream, send: Send): Stoppable {
  let stopped = false;
  let queue: Promise<unknown> = Promise.resolve();
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    input.pause();
    queue = queue
      .then(async () => {
        for (let at = 0; at < bytes.length && !stopped; at += MAX_STDIN_CHUNK) await send(wireData(bytes.subarray(at, at + MAX_STDIN_CHUNK)));
      })
      // The vm has ended (or the connection went): nothing more to give it.
      .catch(() => undefined)
      .finally(() => {
        if (!stopped) input.resume();
      });
  };
  const onEnd = (): void => {
    queue = queue.then(() => (stopped ? undefined : send({ eof: true }))).catch(() => undefined);
  };
  input.on('data', onData).once('end', onEnd).once('error', onEnd);
  input.resume();
  return {
    stop: () => {
      stopped = true;
      input.off('data', onData).off('end', onEnd).off('error', onEnd);
      input.pause();
      input.unref?.();
    },
  };
}

export interface TerminalSize {
  rows: number;
  cols: number;
}

export function terminalSize(output: NodeJS.WriteStream): TerminalSize {
  return { rows: Math.min(1000, Math.max(1, output.rows || 24)), cols: Math.min(1000, Math.max(1, output.columns || 80)) };
}

/** Puts the terminal in raw mode (keys, Ctrl-C included, go to the vm) and reports size changes. */
export function rawTerminal(input: NodeJS.ReadStream, output: NodeJS.WriteStream, resized: (size: TerminalSize) => void): Stoppable {
  input.setRawMode(true);
  const onResize = (): void => resized(terminalSize(output));
  output.on('resize', onResize);
  return {
    stop: () => {
      output.off('resize', onResize);
      input.setRawMode(false);
    },
  };
}
