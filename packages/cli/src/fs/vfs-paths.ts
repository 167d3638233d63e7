/**
 * VFS paths as typed on the command line: absolute (`/shared/x`), home-relative (`~/x`, `notes/a.md`,
 * resolved against `/home/<you>` as the daemon names you), or prefixed `vfs:` to say "this is a VFS
 * path, not a local one" where a command takes both. The daemon normalises and checks the result.
 */
import path from 'node:path';
import type { Caller } from '../callers.ts';
import { usage } from '../errors.ts';

export const VFS_PREFIX = 'vfs:';

export function stripPrefix(raw: string): string {
  return raw.startsWith(VFS_PREFIX) ? raw.slice(VFS_PREFIX.length) : raw;
}

/** Resolves VFS paths for one caller, asking the daemon who it is only when a relative path needs a home. */
export class VfsPaths {
  readonly #caller: Caller;
  #home: Promise<string | undefined> | undefined;

  constructor(caller: Caller) {
    this.#caller = caller;
  }

  /** `/home/<user>` of the caller, or undefined for a principal that is not a user (the local operator). */
  home(): Promise<string | undefined> {
    this.#home ??= this.#caller.call('auth.whoami').then(
      (who) => (typeof who.user === 'string' ? `/home/${who.user}` : undefined),
      () => undefined,
    );
    return this.#home;
  }

  async resolve(raw: string): Promise<string> {
    const typed = stripPrefix(raw);
    if (typed.startsWith('/')) return typed;
    const home = await this.home();
    if (home === undefined) throw usage(`"${raw}" is relative, and you have no home directory here`, 'give an absolute VFS path such as /shared/notes.md');
    if (typed === '~' || typed === '' || typed === '.') return home;
    return path.posix.join(home, typed.startsWith('~/') ? typed.slice(2) : typed);
  }
}

export function parentOf(vfsPath: string): string {
  return path.posix.dirname(vfsPath);
}

export function baseName(anyPath: string): string {
  return path.basename(anyPath);
}
