/**
 * The first step of every path_* import: from (directory descriptor, guest path) to (confined root, path
 * inside it). The descriptor must be a directory holding the right; the path must be relative and its
 * `..` may not climb above that directory (PERM, as in wasmtime: each directory descriptor is its own
 * sandbox). Everything else — symlinks, races, escapes through links — is the ConfinedRoot's job, which
 * resolves the joined path component by component inside the preopen.
 */
import type { ConfinedRoot } from '../../../vfs/confined/confined-root.ts';
import { Errno } from './abi.ts';
import type { WasiContext } from './context.ts';
import { WasiError } from './errno.ts';
import { needPathRight, type FdEntry } from './fd-table.ts';

export interface ResolvedPath {
  dir: FdEntry;
  root: ConfinedRoot;
  /** Path inside the root, as the ConfinedRoot takes it. */
  path: string;
  /** The guest wrote a trailing `/`: the target must be a directory. */
  trailingSlash: boolean;
}

/** PERM for an absolute path or one whose `..` leaves the starting directory. */
export function checkRelative(path: string): void {
  if (path.startsWith('/')) throw new WasiError(Errno.PERM, 'absolute path');
  let depth = 0;
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) throw new WasiError(Errno.PERM, 'path leaves its directory');
  }
}

/** The directory entry behind `fd` (NOTDIR when it is not one) holding `right` (NOTCAPABLE otherwise). */
export function directory(ctx: WasiContext, fd: number, right: bigint): FdEntry & { root: ConfinedRoot } {
  const entry = ctx.fds.get(fd);
  if (entry.kind !== 'directory' || entry.root === null) throw new WasiError(Errno.NOTDIR);
  needPathRight(entry, right);
  return entry as FdEntry & { root: ConfinedRoot };
}

export function resolvePath(ctx: WasiContext, fd: number, pathPtr: number, pathLen: number, right: bigint): ResolvedPath {
  const dir = directory(ctx, fd, right);
  const guest = ctx.memory.string(pathPtr, pathLen);
  if (guest.includes('\0')) throw new WasiError(Errno.ILSEQ, 'NUL in path');
  if (guest === '') throw new WasiError(Errno.NOENT);
  checkRelative(guest);
  return {
    dir,
    root: dir.root,
    path: dir.dirPath === '' ? guest : `${dir.dirPath}/${guest}`,
    trailingSlash: guest.endsWith('/'),
  };
}
