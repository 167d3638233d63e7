/**
 * VFS paths: absolute, canonical guest paths such as `/home/alice/docs/a.txt`. Normalised once at the
 * edge (collapsed `//` and `.`, `..` resolved lexically and never above `/`), so the capability checked
 * is exactly the path acted on. Characters that mean something to capability scopes or other layers
 * (control characters, `\`, `*`) are refused rather than escaped.
 */
import { KernelError } from '../contracts/errors.ts';
import { MAX_NAME_BYTES, MAX_PATH_BYTES } from './confined/guest-path.ts';

export type FsAction = 'read' | 'write' | 'list';

const FORBIDDEN = /[\u0000-\u001f\u007f\\*]/;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;

function invalid(raw: string, reason: string): KernelError {
  return new KernelError('payload_invalid', `invalid path ${JSON.stringify(raw.slice(0, 200))}: ${reason}`, { path: raw.slice(0, 200), reason });
}

/** The canonical form of `raw`, or payload_invalid saying why not. */
export function normaliseVfsPath(raw: string): string {
  if (raw.startsWith('~')) throw invalid(raw, 'must be absolute (start with "/"); "~" is not expanded, so write the home directory out: /home/<user>/…');
  if (!raw.startsWith('/')) throw invalid(raw, 'must be absolute (start with "/")');
  if (Buffer.byteLength(raw) > MAX_PATH_BYTES) throw invalid(raw, `longer than ${MAX_PATH_BYTES} bytes`);
  if (FORBIDDEN.test(raw)) throw invalid(raw, 'control characters, "\\" and "*" are not allowed');
  if (PERCENT_ESCAPE.test(raw)) throw invalid(raw, '"%" followed by two hex digits is not allowed (it would read as an escape in a capability)');
  const stack: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.pop() === undefined) throw invalid(raw, '".." climbs above "/"');
      continue;
    }
    if (Buffer.byteLength(part) > MAX_NAME_BYTES) throw invalid(raw, `a name is longer than ${MAX_NAME_BYTES} bytes`);
    stack.push(part);
  }
  return '/' + stack.join('/');
}

/** Joins a canonical directory path and a canonical relative path (`/` for the directory itself). */
export function joinVfs(base: string, rel: string): string {
  if (rel === '/') return base;
  return base === '/' ? rel : base + rel;
}

/** `path` is `base` or lies below it. */
export function isWithin(path: string, base: string): boolean {
  return base === '/' || path === base || path.startsWith(base + '/');
}

/** The parent of a canonical path (`/` for `/`). */
export function parentOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/** The capability string for `action` on a canonical path; `%` is escaped so the scope parses back to it. */
export function fsCapability(action: FsAction, path: string, tree = false): string {
  const scope = path.replaceAll('%', '%25');
  if (!tree) return `fs.${action}:${scope}`;
  return `fs.${action}:${scope === '/' ? '' : scope}/**`;
}
