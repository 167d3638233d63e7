/**
 * WASI imports about descriptors rather than their bytes: fdstat (get, set flags, narrow rights),
 * filestat (get, set size, set times), preopen names, and directory listings. fd_readdir lists through the
 * directory's own verified descriptor (`/proc/self/fd/N`), so a listing can never be redirected outside;
 * the listing is snapshotted (sorted by name) at cookie 0 and later cookies index into it.
 */
import fs from 'node:fs';
import { at } from '../../../vfs/confined/resolver.ts';
import { DIRENT_SIZE, Errno, Fdflags, Filetype, PREOPENTYPE_DIR, Rights } from './abi.ts';
import type { WasiContext } from './context.ts';
import { WasiError } from './errno.ts';
import { needFdRight, type FdEntry, type ReaddirEntry } from './fd-table.ts';
import { filetypeOf, setTimes, writeFilestat, writeStreamFilestat } from './filestat.ts';
import type { ImportFunctions } from './imports.ts';
import { encode } from './memory.ts';

const SETTABLE_FLAGS = Fdflags.APPEND | Fdflags.NONBLOCK | Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC;

function snapshot(entry: FdEntry): ReaddirEntry[] {
  const fd = entry.hostFd as number;
  const self = fs.fstatSync(fd, { bigint: true });
  const list: ReaddirEntry[] = [
    { name: encode('.'), ino: self.ino, filetype: Filetype.DIRECTORY },
    { name: encode('..'), ino: 0n, filetype: Filetype.DIRECTORY },
  ];
  // Sorted by name, so a listing is the same on every file system.
  const dirents = fs.readdirSync(at(fd, ''), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const dirent of dirents) {
    let ino = 0n;
    try {
      ino = fs.lstatSync(at(fd, dirent.name), { bigint: true }).ino;
    } catch {
      // Removed since the listing; keep the name with an unknown inode.
    }
    list.push({ name: encode(dirent.name), ino, filetype: filetypeOf(dirent) });
  }
  return list;
}

export function fdMetaImports(ctx: WasiContext): ImportFunctions {
  const mem = ctx.memory;
  return {
    fd_fdstat_get(fd: number, ptr: number): number {
      const entry = ctx.fds.get(fd);
      mem.setU8(ptr, entry.filetype);
      mem.setU8(ptr + 1, 0);
      mem.setU16(ptr + 2, entry.fdflags);
      mem.setU32(ptr + 4, 0);
      mem.setU64(ptr + 8, entry.rightsBase);
      mem.setU64(ptr + 16, entry.rightsInheriting);
      return Errno.SUCCESS;
    },
    fd_fdstat_set_flags(fd: number, flags: number): number {
      const entry = ctx.fds.get(fd);
      needFdRight(entry, Rights.FD_FDSTAT_SET_FLAGS);
      if ((flags & ~SETTABLE_FLAGS) !== 0) throw new WasiError(Errno.INVAL);
      entry.fdflags = flags;
      return Errno.SUCCESS;
    },
    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
      const entry = ctx.fds.get(fd);
      if ((base & ~entry.rightsBase) !== 0n || (inheriting & ~entry.rightsInheriting) !== 0n) {
        throw new WasiError(Errno.NOTCAPABLE);
      }
      entry.rightsBase = base;
      entry.rightsInheriting = inheriting;
      return Errno.SUCCESS;
    },
    fd_filestat_get(fd: number, ptr: number): number {
      const entry = ctx.fds.get(fd);
      needFdRight(entry, Rights.FD_FILESTAT_GET);
      if (entry.hostFd === null) writeStreamFilestat(mem, ptr, entry.filetype);
      else writeFilestat(mem, ptr, fs.fstatSync(entry.hostFd, { bigint: true }));
      return Errno.SUCCESS;
    },
    fd_filestat_set_size(fd: number, size: bigint): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind === 'directory') throw new WasiError(Errno.ISDIR);
      needFdRight(entry, Rights.FD_FILESTAT_SET_SIZE);
      if (entry.hostFd === null) throw new WasiError(Errno.INVAL);
      if (size < 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) throw new WasiError(Errno.FBIG);
      fs.ftruncateSync(entry.hostFd, Number(size));
      return Errno.SUCCESS;
    },
    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number): number {
      const entry = ctx.fds.get(fd);
      needFdRight(entry, Rights.FD_FILESTAT_SET_TIMES);
      if (entry.hostFd === null) throw new WasiError(Errno.INVAL);
      setTimes(entry.hostFd, atim, mtim, flags);
      return Errno.SUCCESS;
    },
    fd_prestat_get(fd: number, ptr: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.preopenName === null) throw new WasiError(Errno.BADF);
      mem.setU32(ptr, PREOPENTYPE_DIR);
      mem.setU32(ptr + 4, encode(entry.preopenName).length);
      return Errno.SUCCESS;
    },
    fd_prestat_dir_name(fd: number, pathPtr: number, pathLen: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.preopenName === null) throw new WasiError(Errno.BADF);
      const name = encode(entry.preopenName);
      if (pathLen < name.length) throw new WasiError(Errno.NAMETOOLONG);
      mem.write(pathPtr, name);
      return Errno.SUCCESS;
    },
    fd_readdir(fd: number, bufPtr: number, bufLen: number, cookie: bigint, bufusedPtr: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind !== 'directory') throw new WasiError(Errno.NOTDIR);
      needFdRight(entry, Rights.FD_READDIR);
      if (cookie === 0n || entry.readdirSnapshot === null) entry.readdirSnapshot = snapshot(entry);
      const list = entry.readdirSnapshot;
      const out = mem.slice(bufPtr, bufLen);
      const record = new Uint8Array(DIRENT_SIZE);
      const view = new DataView(record.buffer);
      let used = 0;
      for (let index = Number(cookie); index < list.length && used < bufLen; index += 1) {
        const item = list[index] as ReaddirEntry;
        view.setBigUint64(0, BigInt(index + 1), true);
        view.setBigUint64(8, item.ino, true);
        view.setUint32(16, item.name.length, true);
        view.setUint32(20, item.filetype, true);
        for (const part of [record, item.name]) {
          const n = Math.min(part.length, bufLen - used);
          out.set(part.subarray(0, n), used);
          used += n;
        }
      }
      mem.setU32(bufusedPtr, used);
      return Errno.SUCCESS;
    },
  };
}
