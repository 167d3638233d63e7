/**
 * Turns what we observe of the outer bubblewrap into the program's exit. bubblewrap's pid 1 reports a
 * program killed by signal N as exit status 128 + N (as shells do), so such a status is reported as that
 * signal; a program that itself calls exit(128 + N) is indistinguishable from it. A signal on the outer
 * bubblewrap itself (our SIGKILL) is reported as is.
 */
import { constants } from 'node:os';

const BY_NUMBER = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

export function exitStatus(code: number | null, signal: NodeJS.Signals | null): { code: number | null; signal: NodeJS.Signals | null } {
  if (signal) return { code: null, signal };
  if (code !== null && code > 128) {
    const name = BY_NUMBER.get(code - 128);
    if (name) return { code: null, signal: name };
  }
  return { code, signal: null };
}
