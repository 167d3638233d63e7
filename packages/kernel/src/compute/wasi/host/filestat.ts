/**
 * File metadata in WASI's shapes: the filestat record, file types from host stats, and setting access and
 * modification times (fst_flags validated as the specification requires: a time and its _NOW together
 * are INVAL). Node sets times in seconds as a double, so sub-microsecond precision is lost.
 */
import fs from 'node:fs';
import { Errno, Filetype, Fstflags } from './abi.ts';
import { WasiError } from './errno.ts';
import type { GuestMemory } from './memory.ts';

export function filetypeOf(stats: fs.BigIntStats | fs.Stats | fs.Dirent): number {
  if (stats.isFile()) return Filetype.REGULAR_FILE;
  if (stats.isDirectory()) return Filetype.DIRECTORY;
  if (stats.isSymbolicLink()) return Filetype.SYMBOLIC_LINK;
  if (stats.isCharacterDevice()) return Filetype.CHARACTER_DEVICE;
  if (stats.isBlockDevice()) return Filetype.BLOCK_DEVICE;
  if (stats.isSocket()) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

/** filestat: dev, ino, filetype, nlink, size, atim, mtim, ctim (64 bytes). */
export function writeFilestat(memory: GuestMemory, ptr: number, stats: fs.BigIntStats): void {
  memory.setU64(ptr, stats.dev);
  memory.setU64(ptr + 8, stats.ino);
  memory.setU8(ptr + 16, filetypeOf(stats));
  memory.setU64(ptr + 24, stats.nlink);
  memory.setU64(ptr + 32, stats.size);
  memory.setU64(ptr + 40, stats.atimeNs);
  memory.setU64(ptr + 48, stats.mtimeNs);
  memory.setU64(ptr + 56, stats.ctimeNs);
}

/** A stream's filestat: everything zero but its type. */
export function writeStreamFilestat(memory: GuestMemory, ptr: number, filetype: number): void {
  memory.slice(ptr, 64).fill(0);
  memory.setU8(ptr + 16, filetype);
}

/** Validates fst_flags; INVAL for unknown bits or a time together with its _NOW. */
export function checkFstflags(flags: number): void {
  if ((flags & ~0xf) !== 0) throw new WasiError(Errno.INVAL);
  if ((flags & Fstflags.ATIM) !== 0 && (flags & Fstflags.ATIM_NOW) !== 0) throw new WasiError(Errno.INVAL);
  if ((flags & Fstflags.MTIM) !== 0 && (flags & Fstflags.MTIM_NOW) !== 0) throw new WasiError(Errno.INVAL);
}

function pick(flags: number, set: number, now: number, value: bigint, current: bigint): number {
  const ns = (flags & set) !== 0 ? value : (flags & now) !== 0 ? BigInt(Date.now()) * 1_000_000n : current;
  // Seconds with the sub-second part kept to the microsecond a double can carry.
  return Number(ns / 1000n) / 1_000_000;
}

/** Applies fd/path_filestat_set_times to an open host descriptor. */
export function setTimes(fd: number, atim: bigint, mtim: bigint, flags: number): void {
  checkFstflags(flags);
  if ((flags & 0xf) === 0) return;
  const current = fs.fstatSync(fd, { bigint: true });
  const atime = pick(flags, Fstflags.ATIM, Fstflags.ATIM_NOW, atim, current.atimeNs);
  const mtime = pick(flags, Fstflags.MTIM, Fstflags.MTIM_NOW, mtim, current.mtimeNs);
  fs.futimesSync(fd, atime, mtime);
}
