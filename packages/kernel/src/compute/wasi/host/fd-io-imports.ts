/**
 * WASI imports that move bytes through descriptors: read, write (sequential and positional), seek, tell,
 * close, renumber, sync, advise, allocate. Files are read and written positionally at our own offset
 * (Node has no lseek); append mode is emulated by writing at the current end, so fd_fdstat_set_flags can
 * switch it. Standard output goes to the context's output (which enforces the output limit); standard
 * input blocks on the stdin channel.
 */
import fs from 'node:fs';
import { ADVICE_MAX, Errno, Fdflags, Rights, Whence } from './abi.ts';
import type { WasiContext } from './context.ts';
import { WasiError } from './errno.ts';
import { needFdRight, type FdEntry } from './fd-table.ts';
import type { ImportFunctions } from './imports.ts';
import type { Iovec } from './memory.ts';

const MAX_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

function hostFd(entry: FdEntry): number {
  if (entry.kind === 'directory') throw new WasiError(Errno.ISDIR);
  if (entry.hostFd === null) throw new WasiError(Errno.SPIPE);
  return entry.hostFd;
}

function offsetNumber(offset: bigint): number {
  if (offset < 0n || offset > MAX_OFFSET) throw new WasiError(Errno.INVAL);
  return Number(offset);
}

function readStdin(ctx: WasiContext, iovs: Iovec[]): number {
  const first = iovs.find((iov) => iov.len > 0);
  if (first === undefined) return 0;
  return ctx.stdin.read(ctx.memory.slice(first.ptr, first.len));
}

/** Reads into the iovecs at `position`; stops at a short read. */
function readFile(ctx: WasiContext, fd: number, iovs: Iovec[], position: bigint): number {
  let total = 0;
  for (const iov of iovs) {
    if (iov.len === 0) continue;
    const n = fs.readSync(fd, ctx.memory.slice(iov.ptr, iov.len), 0, iov.len, offsetNumber(position + BigInt(total)));
    total += n;
    if (n < iov.len) break;
  }
  return total;
}

function gather(ctx: WasiContext, iovs: Iovec[]): Uint8Array {
  const total = iovs.reduce((sum, iov) => sum + iov.len, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const iov of iovs) {
    out.set(ctx.memory.slice(iov.ptr, iov.len), at);
    at += iov.len;
  }
  return out;
}

function writeFile(fd: number, data: Uint8Array, position: bigint): number {
  let written = 0;
  while (written < data.length) {
    written += fs.writeSync(fd, data, written, data.length - written, offsetNumber(position + BigInt(written)));
  }
  return written;
}

function syncAfterWrite(entry: FdEntry, fd: number): void {
  if ((entry.fdflags & Fdflags.SYNC) !== 0) fs.fsyncSync(fd);
  else if ((entry.fdflags & (Fdflags.DSYNC | Fdflags.RSYNC)) !== 0) fs.fdatasyncSync(fd);
}

export function fdIoImports(ctx: WasiContext): ImportFunctions {
  const write = (entry: FdEntry, iovs: Iovec[], at: bigint | null): number => {
    const data = gather(ctx, iovs);
    if (entry.kind === 'stdout' || entry.kind === 'stderr') {
      if (at !== null) throw new WasiError(Errno.SPIPE);
      ctx.output.write(entry.kind, data);
      return data.length;
    }
    if (entry.kind === 'stdin') throw new WasiError(Errno.BADF);
    const fd = hostFd(entry);
    if (at !== null) return writeFile(fd, data, at);
    const start = (entry.fdflags & Fdflags.APPEND) !== 0 ? fs.fstatSync(fd, { bigint: true }).size : entry.position;
    const n = writeFile(fd, data, start);
    entry.position = start + BigInt(n);
    syncAfterWrite(entry, fd);
    return n;
  };

  return {
    fd_read(fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind === 'directory') throw new WasiError(Errno.ISDIR);
      needFdRight(entry, Rights.FD_READ);
      const iovs = ctx.memory.iovecs(iovsPtr, iovsLen);
      let n: number;
      if (entry.kind === 'stdin') n = readStdin(ctx, iovs);
      else {
        n = readFile(ctx, hostFd(entry), iovs, entry.position);
        entry.position += BigInt(n);
      }
      ctx.memory.setU32(nreadPtr, n);
      return Errno.SUCCESS;
    },
    fd_pread(fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nreadPtr: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind === 'directory') throw new WasiError(Errno.ISDIR);
      needFdRight(entry, Rights.FD_READ);
      if (entry.hostFd === null) throw new WasiError(Errno.SPIPE);
      const n = readFile(ctx, entry.hostFd, ctx.memory.iovecs(iovsPtr, iovsLen), offset);
      ctx.memory.setU32(nreadPtr, n);
      return Errno.SUCCESS;
    },
    fd_write(fd: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind === 'directory') throw new WasiError(Errno.ISDIR);
      needFdRight(entry, Rights.FD_WRITE);
      ctx.memory.setU32(nwrittenPtr, write(entry, ctx.memory.iovecs(iovsPtr, iovsLen), null));
      return Errno.SUCCESS;
    },
    fd_pwrite(fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind === 'directory') throw new WasiError(Errno.ISDIR);
      needFdRight(entry, Rights.FD_WRITE);
      ctx.memory.setU32(nwrittenPtr, write(entry, ctx.memory.iovecs(iovsPtr, iovsLen), offset));
      return Errno.SUCCESS;
    },
    fd_seek(fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind !== 'file' && entry.kind !== 'directory') throw new WasiError(Errno.SPIPE);
      needFdRight(entry, offset === 0n && whence === Whence.CUR ? Rights.FD_TELL : Rights.FD_SEEK);
      const fdNumber = hostFd(entry);
      let base: bigint;
      if (whence === Whence.SET) base = 0n;
      else if (whence === Whence.CUR) base = entry.position;
      else if (whence === Whence.END) base = fs.fstatSync(fdNumber, { bigint: true }).size;
      else throw new WasiError(Errno.INVAL);
      const next = base + offset;
      if (next < 0n) throw new WasiError(Errno.INVAL);
      entry.position = next;
      ctx.memory.setU64(newOffsetPtr, next);
      return Errno.SUCCESS;
    },
    fd_tell(fd: number, offsetPtr: number): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind !== 'file' && entry.kind !== 'directory') throw new WasiError(Errno.SPIPE);
      needFdRight(entry, Rights.FD_TELL);
      hostFd(entry);
      ctx.memory.setU64(offsetPtr, entry.position);
      return Errno.SUCCESS;
    },
    fd_close(fd: number): number {
      ctx.fds.close(fd);
      return Errno.SUCCESS;
    },
    fd_renumber(from: number, to: number): number {
      ctx.fds.renumber(from, to);
      return Errno.SUCCESS;
    },
    fd_sync(fd: number): number {
      const entry = ctx.fds.get(fd);
      needFdRight(entry, Rights.FD_SYNC);
      if (entry.hostFd === null) throw new WasiError(Errno.INVAL);
      fs.fsyncSync(entry.hostFd);
      return Errno.SUCCESS;
    },
    fd_datasync(fd: number): number {
      const entry = ctx.fds.get(fd);
      needFdRight(entry, Rights.FD_DATASYNC);
      if (entry.hostFd === null) throw new WasiError(Errno.INVAL);
      fs.fdatasyncSync(entry.hostFd);
      return Errno.SUCCESS;
    },
    fd_advise(fd: number, offset: bigint, len: bigint, advice: number): number {
      const entry = ctx.fds.get(fd);
      if (advice < 0 || advice > ADVICE_MAX || offset < 0n || len < 0n) throw new WasiError(Errno.INVAL);
      if (entry.kind === 'directory') throw new WasiError(Errno.BADF);
      needFdRight(entry, Rights.FD_ADVISE);
      if (entry.hostFd === null) throw new WasiError(Errno.SPIPE);
      return Errno.SUCCESS;
    },
    fd_allocate(fd: number, offset: bigint, len: bigint): number {
      const entry = ctx.fds.get(fd);
      if (entry.kind === 'directory') throw new WasiError(Errno.BADF);
      needFdRight(entry, Rights.FD_ALLOCATE);
      const fdNumber = hostFd(entry);
      if (len === 0n && offset >= 0n) return Errno.SUCCESS;
      const end = offsetNumber(offset + len);
      if (offset < 0n || len < 0n) throw new WasiError(Errno.INVAL);
      if (BigInt(end) > fs.fstatSync(fdNumber, { bigint: true }).size) fs.ftruncateSync(fdNumber, end);
      return Errno.SUCCESS;
    },
  };
}
