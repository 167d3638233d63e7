/**
 * The guest's file descriptor table. Each entry is a capability: what it is (a standard stream, a file, a
 * directory), which rights it carries, and for directories the confined root it lives in plus its guest
 * path inside that root. Host descriptors never leak into guest numbers; the guest sees small integers
 * allocated lowest-first, with 0–2 the standard streams and the preopens right after.
 */
import fs from 'node:fs';
import type { ConfinedRoot } from '../../../vfs/confined/confined-root.ts';
import { Errno } from './abi.ts';
import { WasiError } from './errno.ts';

export type FdKind = 'stdin' | 'stdout' | 'stderr' | 'file' | 'directory';

/** One directory entry as fd_readdir reports it; the snapshot is taken at cookie 0. */
export interface ReaddirEntry {
  name: Uint8Array;
  ino: bigint;
  filetype: number;
}

export interface FdEntry {
  kind: FdKind;
  filetype: number;
  rightsBase: bigint;
  rightsInheriting: bigint;
  fdflags: number;
  /** Host descriptor of a file or directory (null for standard streams). */
  hostFd: number | null;
  /** Our own file offset: Node has no lseek, so reads and writes are positional. */
  position: bigint;
  /** Directories: the preopen's confined root and this directory's guest path inside it ('' = root). */
  root: ConfinedRoot | null;
  dirPath: string;
  /** Preopens: the name the guest sees in fd_prestat_dir_name. */
  preopenName: string | null;
  readdirSnapshot: ReaddirEntry[] | null;
}

export class FdTable {
  readonly #entries = new Map<number, FdEntry>();

  /** The entry for `fd`, or BADF. */
  get(fd: number): FdEntry {
    const entry = this.#entries.get(fd);
    if (entry === undefined) throw new WasiError(Errno.BADF);
    return entry;
  }

  has(fd: number): boolean {
    return this.#entries.has(fd);
  }

  /** Places `entry` at the lowest free number. */
  add(entry: FdEntry): number {
    let fd = 0;
    while (this.#entries.has(fd)) fd += 1;
    this.#entries.set(fd, entry);
    return fd;
  }

  /** Closes `fd` (BADF when not open), releasing its host descriptor. */
  close(fd: number): void {
    const entry = this.get(fd);
    this.#entries.delete(fd);
    release(entry);
  }

  /** fd_renumber: `to` must be open; it is closed and replaced by `from`. */
  renumber(from: number, to: number): void {
    const entry = this.get(from);
    const target = this.get(to);
    if (from === to) return;
    this.#entries.delete(from);
    this.#entries.set(to, entry);
    release(target);
  }

  /** Closes every host descriptor (the guest has finished). */
  closeAll(): void {
    for (const entry of this.#entries.values()) release(entry);
    this.#entries.clear();
  }
}

function release(entry: FdEntry): void {
  if (entry.hostFd !== null) {
    try {
      fs.closeSync(entry.hostFd);
    } catch {
      // Already gone with its process; nothing to undo.
    }
  }
}

/** A fresh entry with neutral defaults; callers set what differs. */
export function entry(fields: Partial<FdEntry> & Pick<FdEntry, 'kind' | 'filetype' | 'rightsBase' | 'rightsInheriting'>): FdEntry {
  return {
    fdflags: 0,
    hostFd: null,
    position: 0n,
    root: null,
    dirPath: '',
    preopenName: null,
    readdirSnapshot: null,
    ...fields,
  };
}

/** BADF unless `entry` holds every bit of `right` (reading, writing, seeking: POSIX's answer). */
export function needFdRight(fdEntry: FdEntry, right: bigint): void {
  if ((fdEntry.rightsBase & right) !== right) throw new WasiError(Errno.BADF);
}

/** NOTCAPABLE unless `entry` holds `right`; for path operations on directories. */
export function needPathRight(fdEntry: FdEntry, right: bigint): void {
  if ((fdEntry.rightsBase & right) !== right) throw new WasiError(Errno.NOTCAPABLE);
}
