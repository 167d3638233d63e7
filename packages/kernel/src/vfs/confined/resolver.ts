/**
 * Race-free path resolution inside a host directory, the openat way. Every step opens the next component
 * relative to the descriptor of a directory already opened and known to be inside, through the kernel's
 * `/proc/self/fd/<dirfd>/<name>` (which resolves exactly like openat(dirfd, name)), with O_NOFOLLOW and
 * O_DIRECTORY. So no path is ever re-walked from the host root: swapping a checked directory for a symlink
 * cannot redirect a later step. Symlinks are expanded by hand and only while they stay inside the root;
 * `..` pops a directory this walk opened, and climbing above the root is refused.
 */
import fs from 'node:fs';
import { confinedError, errnoOf, translate } from './errors.ts';
import { MAX_DEPTH, splitGuestPath } from './guest-path.ts';

const C = fs.constants;
const DIR_FLAGS = C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW | C.O_NONBLOCK;
/** The same bound Linux puts on one path resolution. */
export const MAX_SYMLINKS = 40;

/** The host path naming `name` inside the directory open as `dirFd`, resolved by the kernel like openat. */
export function at(dirFd: number, name: string): string {
  return `/proc/self/fd/${dirFd}/${name}`;
}

/** The directories one resolution holds open, root first; the root descriptor itself is not owned. */
export class Walk {
  readonly #rootFd: number;
  readonly #names: string[] = [];
  readonly #fds: number[] = [];

  constructor(rootFd: number) {
    this.#rootFd = rootFd;
  }

  /** Descriptor of the deepest directory reached. */
  get dirFd(): number {
    return this.#fds.at(-1) ?? this.#rootFd;
  }

  get depth(): number {
    return this.#fds.length;
  }

  /** Guest components of the deepest directory reached. */
  get names(): readonly string[] {
    return this.#names;
  }

  push(name: string, fd: number): void {
    this.#names.push(name);
    this.#fds.push(fd);
  }

  pop(): void {
    this.#names.pop();
    const fd = this.#fds.pop();
    if (fd !== undefined) fs.closeSync(fd);
  }

  /** Closes every descriptor and returns to the root. Safe to call twice. */
  release(): void {
    while (this.#fds.length > 0) this.pop();
  }
}

/** Where a path led: the directory holding the last component, and that component (null: the directory). */
export interface Location {
  readonly walk: Walk;
  readonly name: string | null;
}

function lstatOrUndefined(hostPath: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(hostPath);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

export class Resolver {
  readonly #rootFd: number;
  readonly #rootReal: string;

  constructor(rootFd: number, rootReal: string) {
    this.#rootFd = rootFd;
    this.#rootReal = rootReal;
  }

  /**
   * Resolves `guestPath`. Intermediate symlinks are always expanded (inside the root only); the last
   * component is expanded when `followLast`. The caller must `walk.release()` the result. The last
   * component may not exist (a name to create).
   */
  locate(guestPath: string, followLast: boolean): Location {
    const queue = splitGuestPath(guestPath);
    const walk = new Walk(this.#rootFd);
    let links = 0;
    const expand = (hostPath: string): void => {
      links += 1;
      if (links > MAX_SYMLINKS) throw confinedError('ELOOP', guestPath);
      queue.unshift(...this.#targetParts(fs.readlinkSync(hostPath), guestPath, walk));
    };
    try {
      for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
        if (part === '..') {
          if (walk.depth === 0) throw confinedError('ENOTCAPABLE', guestPath, 'climbs above the root');
          walk.pop();
          continue;
        }
        const last = queue.length === 0;
        if (last && !followLast) return { walk, name: part };
        const hostPath = at(walk.dirFd, part);
        if (last) {
          if (lstatOrUndefined(hostPath)?.isSymbolicLink() === true) expand(hostPath);
          else return { walk, name: part };
          continue;
        }
        const fd = this.#openDir(hostPath, guestPath);
        if (fd === null) {
          expand(hostPath);
          continue;
        }
        walk.push(part, fd);
        if (walk.depth > MAX_DEPTH) throw confinedError('ENAMETOOLONG', guestPath, 'too deep');
      }
      return { walk, name: null };
    } catch (error) {
      walk.release();
      throw translate(error, guestPath);
    }
  }

  /** Opens a directory component without following it; null when it is a symlink to expand. */
  #openDir(hostPath: string, guestPath: string): number | null {
    try {
      return fs.openSync(hostPath, DIR_FLAGS);
    } catch (error) {
      const errno = errnoOf(error);
      if (errno !== 'ENOTDIR' && errno !== 'ELOOP') throw error;
      if (fs.lstatSync(hostPath).isSymbolicLink()) return null;
      throw confinedError('ENOTDIR', guestPath);
    }
  }

  /**
   * Components to walk instead of a symlink. A relative target continues from the link's directory (its
   * `..` are popped by the walk, never above the root); an absolute one must name a host path inside the
   * root and restarts the walk there. Anything else is an escape.
   */
  #targetParts(target: string, guestPath: string, walk: Walk): string[] {
    if (!target.startsWith('/')) return splitGuestPath(target);
    const root = this.#rootReal;
    if (target !== root && !target.startsWith(root + '/')) {
      throw confinedError('ENOTCAPABLE', guestPath, 'symlink leads outside the root');
    }
    walk.release();
    return splitGuestPath(target.slice(root.length) || '/');
  }
}
