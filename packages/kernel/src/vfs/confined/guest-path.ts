/**
 * Guest paths: what a caller names inside a confined root. A leading `/` means the root itself (chroot
 * semantics); `.` and empty components vanish; `..` is kept for the resolver, which pops only directories
 * it has really opened and refuses to climb above the root. Anything malformed is refused here.
 */
import { confinedError } from './errors.ts';

export const MAX_PATH_BYTES = 4096;
export const MAX_NAME_BYTES = 255;
/** Bounds how many directory descriptors one resolution may hold at once. */
export const MAX_DEPTH = 256;

/** Components of `path`, without `.` and empty ones. Throws payload_invalid / not_found. */
export function splitGuestPath(path: string): string[] {
  if (typeof path !== 'string') throw confinedError('EINVAL', String(path), 'path must be a string');
  if (path === '') throw confinedError('ENOENT', path, 'empty path');
  if (path.includes('\0')) throw confinedError('EINVAL', path.replaceAll('\0', '\\0'), 'NUL byte in path');
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw confinedError('ENAMETOOLONG', path.slice(0, 64) + '…');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) throw confinedError('ENAMETOOLONG', path.slice(0, 64) + '…');
    parts.push(part);
  }
  if (parts.length > MAX_DEPTH) throw confinedError('ENAMETOOLONG', path.slice(0, 64) + '…', 'too many components');
  return parts;
}

/** The canonical guest form of resolved components: `/a/b`, or `/` for the root. */
export function joinGuest(parts: readonly string[]): string {
  return '/' + parts.join('/');
}

/**
 * Whether a relative symlink target, read from a link in directory `dirDepth` levels below the root, stays
 * inside the root lexically. Used to refuse creating links that could never resolve inside.
 */
export function staysInside(target: string, dirDepth: number): boolean {
  let depth = dirDepth;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return false;
  }
  return true;
}
