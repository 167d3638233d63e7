/**
 * WASI path_* imports. Every one resolves through path-resolve.ts and then acts only through the
 * preopen's ConfinedRoot, so no host path is ever built from guest input. Symlinks may be created when
 * their target is relative and stays inside the preopen; hard links are refused (NOTSUP): a second name
 * for a file is exactly what the confined root refuses to open, and no guest needs one.
 */
import fs from 'node:fs';
import { DIRECTORY_RIGHTS, Errno, FILE_RIGHTS, Filetype, LOOKUP_SYMLINK_FOLLOW, Fdflags, Oflags, Rights } from './abi.ts';
import type { WasiContext } from './context.ts';
import { WasiError } from './errno.ts';
import { entry } from './fd-table.ts';
import { setTimes, writeFilestat, checkFstflags } from './filestat.ts';
import type { ImportFunctions } from './imports.ts';
import { encode } from './memory.ts';
import { directory, resolvePath, type ResolvedPath } from './path-resolve.ts';

const C = fs.constants;
const READS = Rights.FD_READ | Rights.FD_READDIR;
const WRITES = Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;

function hostOpenFlags(oflags: number, base: bigint, fdflags: number, follow: boolean, wantsDir: boolean): number {
  const write = (base & WRITES) !== 0n || (oflags & Oflags.TRUNC) !== 0;
  const read = (base & READS) !== 0n;
  let flags = write ? (read ? C.O_RDWR : C.O_WRONLY) : C.O_RDONLY;
  if ((oflags & Oflags.CREAT) !== 0) flags |= C.O_CREAT;
  if ((oflags & Oflags.EXCL) !== 0) flags |= C.O_EXCL;
  if ((oflags & Oflags.TRUNC) !== 0) flags |= C.O_TRUNC;
  if (wantsDir) flags |= C.O_DIRECTORY;
  if (!follow) flags |= C.O_NOFOLLOW;
  if ((fdflags & Fdflags.SYNC) !== 0 || (fdflags & Fdflags.RSYNC) !== 0) flags |= C.O_SYNC;
  if ((fdflags & Fdflags.DSYNC) !== 0) flags |= C.O_DSYNC;
  return flags;
}

/** NOTDIR when the guest wrote `name/` but `name` is not a directory (checked without following). */
function requireDirectoryIfSlashed(target: ResolvedPath): void {
  if (!target.trailingSlash) return;
  if (!target.root.statBigInt(target.path, false).isDirectory()) throw new WasiError(Errno.NOTDIR);
}

function exists(target: ResolvedPath): fs.BigIntStats | undefined {
  try {
    return target.root.statBigInt(target.path, false);
  } catch (error) {
    if (error instanceof Error && (error as { details?: { errno?: string } }).details?.errno === 'ENOENT') return undefined;
    throw error;
  }
}

export function pathImports(ctx: WasiContext): ImportFunctions {
  const mem = ctx.memory;
  return {
    path_open(
      fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
      base: bigint, inheriting: bigint, fdflags: number, fdPtr: number,
    ): number {
      const target = resolvePath(ctx, fd, pathPtr, pathLen, Rights.PATH_OPEN);
      if ((oflags & ~0xf) !== 0 || (fdflags & ~0x1f) !== 0) throw new WasiError(Errno.INVAL);
      if ((oflags & Oflags.CREAT) !== 0 && (target.dir.rightsBase & Rights.PATH_CREATE_FILE) === 0n) {
        throw new WasiError(Errno.NOTCAPABLE);
      }
      if ((base & ~target.dir.rightsInheriting) !== 0n || (inheriting & ~target.dir.rightsInheriting) !== 0n) {
        throw new WasiError(Errno.NOTCAPABLE);
      }
      const wantsDir = (oflags & Oflags.DIRECTORY) !== 0 || target.trailingSlash;
      if ((oflags & Oflags.DIRECTORY) !== 0 && (base & Rights.FD_WRITE) !== 0n) throw new WasiError(Errno.ISDIR);
      const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0;
      const hostFd = target.root.open(target.path, hostOpenFlags(oflags, base, fdflags, follow, wantsDir), 0o644);
      try {
        const isDir = fs.fstatSync(hostFd).isDirectory();
        const opened = isDir
          ? entry({
              kind: 'directory', filetype: Filetype.DIRECTORY, hostFd,
              rightsBase: base & DIRECTORY_RIGHTS, rightsInheriting: inheriting & (DIRECTORY_RIGHTS | FILE_RIGHTS),
              root: target.root, dirPath: target.root.realpathInside(target.path).slice(1),
            })
          : entry({
              kind: 'file', filetype: Filetype.REGULAR_FILE, hostFd, fdflags,
              rightsBase: base & FILE_RIGHTS, rightsInheriting: inheriting & FILE_RIGHTS,
            });
        mem.setU32(fdPtr, ctx.fds.add(opened));
      } catch (error) {
        fs.closeSync(hostFd);
        throw error;
      }
      return Errno.SUCCESS;
    },
    path_create_directory(fd: number, pathPtr: number, pathLen: number): number {
      const target = resolvePath(ctx, fd, pathPtr, pathLen, Rights.PATH_CREATE_DIRECTORY);
      target.root.mkdir(target.path);
      return Errno.SUCCESS;
    },
    path_remove_directory(fd: number, pathPtr: number, pathLen: number): number {
      const target = resolvePath(ctx, fd, pathPtr, pathLen, Rights.PATH_REMOVE_DIRECTORY);
      target.root.rmdir(target.path);
      return Errno.SUCCESS;
    },
    path_unlink_file(fd: number, pathPtr: number, pathLen: number): number {
      const target = resolvePath(ctx, fd, pathPtr, pathLen, Rights.PATH_UNLINK_FILE);
      if (target.trailingSlash) {
        const stats = target.root.statBigInt(target.path, false);
        throw new WasiError(stats.isDirectory() ? Errno.ISDIR : Errno.NOTDIR);
      }
      target.root.unlink(target.path);
      return Errno.SUCCESS;
    },
    path_rename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
      const from = resolvePath(ctx, fd, oldPtr, oldLen, Rights.PATH_RENAME_SOURCE);
      const to = resolvePath(ctx, newFd, newPtr, newLen, Rights.PATH_RENAME_TARGET);
      if (from.root !== to.root) throw new WasiError(Errno.XDEV);
      if (from.trailingSlash || to.trailingSlash) {
        if (!from.root.statBigInt(from.path, false).isDirectory()) throw new WasiError(Errno.NOTDIR);
      }
      from.root.rename(from.path, to.path);
      return Errno.SUCCESS;
    },
    path_filestat_get(fd: number, flags: number, pathPtr: number, pathLen: number, bufPtr: number): number {
      const target = resolvePath(ctx, fd, pathPtr, pathLen, Rights.PATH_FILESTAT_GET);
      const stats = target.root.statBigInt(target.path, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
      if (target.trailingSlash && !stats.isDirectory()) throw new WasiError(Errno.NOTDIR);
      writeFilestat(mem, bufPtr, stats);
      return Errno.SUCCESS;
    },
    path_filestat_set_times(
      fd: number, flags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fstFlags: number,
    ): number {
      checkFstflags(fstFlags);
      const target = resolvePath(ctx, fd, pathPtr, pathLen, Rights.PATH_FILESTAT_SET_TIMES);
      if (target.root.readOnly) throw new WasiError(Errno.ROFS);
      requireDirectoryIfSlashed(target);
      const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
      const hostFd = target.root.open(target.path, C.O_RDONLY | (follow ? 0 : C.O_NOFOLLOW));
      try {
        setTimes(hostFd, atim, mtim, fstFlags);
      } finally {
        fs.closeSync(hostFd);
      }
      return Errno.SUCCESS;
    },
    path_readlink(fd: number, pathPtr: number, pathLen: number, bufPtr: number, bufLen: number, usedPtr: number): number {
      const target = resolvePath(ctx, fd, pathPtr, pathLen, Rights.PATH_READLINK);
      const link = encode(target.root.readlink(target.path));
      mem.setU32(usedPtr, mem.write(bufPtr, link, bufLen));
      return Errno.SUCCESS;
    },
    path_symlink(oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number): number {
      const linkTarget = mem.string(oldPtr, oldLen);
      const link = resolvePath(ctx, fd, newPtr, newLen, Rights.PATH_SYMLINK);
      if (link.trailingSlash) {
        const found = exists(link);
        throw new WasiError(found === undefined ? Errno.NOENT : found.isDirectory() ? Errno.EXIST : Errno.NOTDIR);
      }
      link.root.symlink(linkTarget, link.path);
      return Errno.SUCCESS;
    },
    path_link(oldFd: number, _flags: number, _oldPtr: number, _oldLen: number, newFd: number): number {
      directory(ctx, oldFd, Rights.PATH_LINK_SOURCE);
      directory(ctx, newFd, Rights.PATH_LINK_TARGET);
      return Errno.NOTSUP;
    },
  };
}
