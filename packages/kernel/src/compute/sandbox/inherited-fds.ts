/**
 * Keeps the kernel's inherited file descriptors out of sandboxes. Node marks its own descriptors
 * close-on-exec, but one the kernel inherited without that flag (measured here: a pipe the launching
 * process left open at fd 251) passes through bubblewrap into the guest. Before each spawn we list
 * descriptors lacking O_CLOEXEC and have the child's copy of each replaced by /dev/null (read-only).
 */
import { openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

const O_CLOEXEC = 0o2000000;

let devNull: number | undefined;

/** Descriptors > 2 of this process that an exec would pass on. */
export async function inheritableFds(): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir('/proc/self/fd');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    let info: string;
    try {
      info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
    } catch {
      continue; // closed meanwhile (the directory listing's own fd, for one)
    }
    const flags = /^flags:\s+([0-7]+)/m.exec(info)?.[1];
    if (flags !== undefined && (parseInt(flags, 8) & O_CLOEXEC) === 0) found.push(fd);
  }
  return found;
}

/**
 * Extends a stdio array so that every inheritable descriptor not already assigned is overwritten in the
 * child by /dev/null.
 */
export async function sealStdio(stdio: (string | number)[]): Promise<(string | number)[]> {
  const leaked = (await inheritableFds()).filter((fd) => fd >= stdio.length || stdio[fd] === 'ignore');
  if (leaked.length === 0) return stdio;
  devNull ??= openSync('/dev/null', 'r');
  const sealed = [...stdio];
  for (const fd of leaked) {
    while (sealed.length <= fd) sealed.push('ignore');
    sealed[fd] = devNull;
  }
  return sealed;
}
