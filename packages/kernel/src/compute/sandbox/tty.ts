/**
 * tty mode: the program runs under the in-sandbox pty relay (tty-relay.ts) and window-size changes travel
 * over a dedicated control pipe (fd TTY_FD) as `rows cols` lines. Requires the host's /usr/bin/python3;
 * without it tty mode is `unsupported_backend` (plain pipes still work).
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { KernelError } from '../../contracts/errors.ts';
import { TTY_RELAY } from './tty-relay.ts';

export const TTY_FD = 5;
const PYTHON = '/usr/bin/python3';
const MAX_SIDE = 1000;

let checked: Promise<void> | undefined;

export function checkTtySupport(): Promise<void> {
  checked ??= access(PYTHON, constants.X_OK).catch((cause: unknown) => {
    throw new KernelError('unsupported_backend', 'sandbox tty mode needs python3 (Debian package python3-minimal)', { backend: 'sandbox' }, { cause });
  });
  return checked;
}

/** The argv that runs `argv` under the relay with the given initial size. */
export function ttyCommand(argv: readonly string[], size: { rows: number; cols: number }): string[] {
  return [PYTHON, '-I', '-S', '-c', TTY_RELAY, String(TTY_FD), String(size.rows), String(size.cols), ...argv];
}

/** Returns the resize function bound to the child's control pipe. */
export function ttyResizer(child: ChildProcess): (rows: number, cols: number) => void {
  const control = (child.stdio as unknown as (Writable | null)[])[TTY_FD] ?? null;
  control?.on('error', () => {});
  return (rows, cols) => {
    const ok = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= MAX_SIDE;
    if (!ok(rows) || !ok(cols)) throw new KernelError('payload_invalid', `tty rows and cols must be integers in 1..${MAX_SIDE}`);
    if (control && !control.destroyed && control.writable) control.write(`${rows} ${cols}\n`);
  };
}
