/**
 * How failures become WASI errno values. Import functions throw `WasiError(errno)` for what they decide
 * themselves; host failures (Node system errors with `code: 'ENOENT'`, confined-root KernelErrors with
 * `details.errno`) are translated by name. A path that tries to leave its directory is `PERM`, as
 * wasmtime and the wasi-testsuite expect; a right the descriptor lacks is `NOTCAPABLE` (or `BADF` for
 * reading or writing bytes, as POSIX and the suite expect).
 */
import { Errno } from './abi.ts';

export class WasiError extends Error {
  readonly errno: number;

  constructor(errno: number, message?: string) {
    super(message ?? `wasi errno ${errno}`);
    this.name = 'WasiError';
    this.errno = errno;
  }
}

/** Thrown by proc_exit to unwind the guest; never turned into an errno. */
export class ProcExit extends Error {
  readonly code: number;

  constructor(code: number) {
    super(`proc_exit(${code})`);
    this.name = 'ProcExit';
    this.code = code;
  }
}

const BY_NAME: Readonly<Record<string, number>> = {
  E2BIG: Errno.TOOBIG,
  EACCES: Errno.ACCES,
  EAGAIN: Errno.AGAIN,
  EBADF: Errno.BADF,
  EBUSY: Errno.BUSY,
  EEXIST: Errno.EXIST,
  EFAULT: Errno.FAULT,
  EFBIG: Errno.FBIG,
  EINTR: Errno.INTR,
  EINVAL: Errno.INVAL,
  EIO: Errno.IO,
  EISDIR: Errno.ISDIR,
  ELOOP: Errno.LOOP,
  EMFILE: Errno.MFILE,
  EMLINK: Errno.MLINK,
  ENAMETOOLONG: Errno.NAMETOOLONG,
  ENFILE: Errno.NFILE,
  ENODEV: Errno.NODEV,
  ENOENT: Errno.NOENT,
  ENOMEM: Errno.NOMEM,
  ENOSPC: Errno.NOSPC,
  EDQUOT: Errno.DQUOT,
  ENOSYS: Errno.NOSYS,
  ENOTDIR: Errno.NOTDIR,
  ENOTEMPTY: Errno.NOTEMPTY,
  ENOTSUP: Errno.NOTSUP,
  EOPNOTSUPP: Errno.NOTSUP,
  ENOTTY: Errno.NOTTY,
  ENXIO: Errno.NXIO,
  EOVERFLOW: Errno.OVERFLOW,
  EPERM: Errno.PERM,
  EPIPE: Errno.PIPE,
  ERANGE: Errno.RANGE,
  EROFS: Errno.ROFS,
  ESPIPE: Errno.SPIPE,
  ETXTBSY: Errno.TXTBSY,
  EXDEV: Errno.XDEV,
  EILSEQ: Errno.ILSEQ,
  // The confined root's name for "this path leads outside": a sandbox escape, answered as wasmtime does.
  ENOTCAPABLE: Errno.PERM,
};

/** The errno name a thrown value carries: Node's `code`, or a confined error's `details.errno`. */
function errnoName(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const details = (thrown as { details?: unknown }).details;
  if (typeof details === 'object' && details !== null) {
    const name = (details as { errno?: unknown }).errno;
    if (typeof name === 'string') return name;
  }
  const code = (thrown as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('E') ? code : undefined;
}

/**
 * The errno for anything an import function threw. A guest pointer out of bounds (RangeError from a
 * view) is FAULT; anything unrecognised is IO, so the guest always gets an answer and the host never
 * crashes on a guest's request.
 */
export function errnoOf(thrown: unknown): number {
  if (thrown instanceof WasiError) return thrown.errno;
  if (thrown instanceof RangeError) return Errno.FAULT;
  const name = errnoName(thrown);
  if (name !== undefined) return BY_NAME[name] ?? Errno.IO;
  return Errno.IO;
}
