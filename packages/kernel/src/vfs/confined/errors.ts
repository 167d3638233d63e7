/**
 * Errors of the confined file primitive. Every failure is a KernelError whose `details.errno` is the POSIX
 * name (ENOENT, EEXIST, ENOTDIR, …, plus ENOTCAPABLE for an attempt to leave the root, as WASI names it),
 * so a WASI layer can map it to its own errno. Messages name the guest path only: host paths never leak.
 */
import { KernelError, type ErrorCode } from '../../contracts/errors.ts';

const CODE_OF: Readonly<Record<string, ErrorCode>> = {
  ENOENT: 'not_found',
  EEXIST: 'conflict',
  ENOTEMPTY: 'conflict',
  EBUSY: 'conflict',
  EACCES: 'permission_denied',
  EPERM: 'permission_denied',
  EROFS: 'permission_denied',
  ENOTCAPABLE: 'permission_denied',
  EXDEV: 'payload_invalid',
  ENXIO: 'permission_denied',
  ENODEV: 'permission_denied',
  ENOTDIR: 'payload_invalid',
  EISDIR: 'payload_invalid',
  EINVAL: 'payload_invalid',
  ELOOP: 'payload_invalid',
  ENAMETOOLONG: 'payload_invalid',
  ENOSPC: 'resource_exceeded',
  EDQUOT: 'resource_exceeded',
  EMFILE: 'resource_exceeded',
  ENFILE: 'resource_exceeded',
  EFBIG: 'resource_exceeded',
};

const TEXT_OF: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EBUSY: 'the root of a mount cannot be changed',
  EACCES: 'access refused',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTCAPABLE: 'path leads outside its root',
  EXDEV: 'cannot move across mounts',
  ENXIO: 'not a regular file or directory',
  ENODEV: 'not a regular file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EINVAL: 'invalid path or argument',
  ELOOP: 'too many symbolic links, or a symbolic link where none may be',
  ENAMETOOLONG: 'path too long',
  ENOSPC: 'no space left',
  EMFILE: 'too many open files',
};

/** A KernelError for `errno` on `guestPath`; `reason` adds a precise word for logs and tests. */
export function confinedError(errno: string, guestPath: string, reason?: string): KernelError {
  const code = CODE_OF[errno] ?? 'internal_error';
  const text = TEXT_OF[errno] ?? 'file system error';
  const details: Record<string, unknown> = { errno, path: guestPath };
  if (reason !== undefined) details.reason = reason;
  return new KernelError(code, `${text}: ${guestPath}`, details);
}

/** Node's system errors carry the errno name in `code`. */
export function errnoOf(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null || !('code' in thrown)) return undefined;
  const code = thrown.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** Rethrows a KernelError as is; turns a Node system error into a confined error for `guestPath`. */
export function translate(thrown: unknown, guestPath: string): KernelError {
  if (thrown instanceof KernelError) return thrown;
  const errno = errnoOf(thrown);
  if (errno === undefined) return new KernelError('internal_error', 'internal error', undefined, { cause: thrown });
  return confinedError(errno, guestPath);
}
