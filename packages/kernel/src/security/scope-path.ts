/**
 * Path scopes (`fs`, `vfs`, and the path part of `net`): one canonical form per set of paths, so that
 * matching is string comparison on normalised text and no spelling of a path can reach outside it.
 * Decoding happens exactly once; anything ambiguous (double encoding, encoded `/`, `..` above the root)
 * is refused rather than guessed at.
 */
import { compileSegmentGlob, segmentGlobCovers, segmentGlobsIntersect } from './segment-glob.ts';

/** A normalised path pattern, pre-split for matching. Directory strings are absolute (`/` for the root). */
export type PathShape =
  | { readonly kind: 'exact'; readonly path: string; readonly dir: string | undefined; readonly name: string }
  | { readonly kind: 'tree'; readonly base: string }
  | { readonly kind: 'glob'; readonly dir: string; readonly glob: string; readonly regex: RegExp };

/** Thrown inside scope normalisers; capability.ts turns it into a KernelError naming the capability. */
export class ScopeError extends Error {
  override name = 'ScopeError';
}

/**
 * Decodes `%XX` once. Refuses malformed escapes, invalid UTF-8, encodings of `/` and `*` (they would
 * change the structure of the pattern) and anything that still looks encoded after decoding (`%252e`).
 */
export function percentDecode(raw: string): string {
  if (!raw.includes('%')) return raw;
  if (/%(?![0-9A-Fa-f]{2})/.test(raw)) throw new ScopeError('malformed percent-encoding (expected %XX)');
  if (/%2[Ff]/.test(raw)) throw new ScopeError('an encoded "/" (%2F) is not allowed');
  if (/%2[Aa]/.test(raw)) throw new ScopeError('an encoded "*" (%2A) is not allowed');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new ScopeError('percent-encoding does not decode to valid UTF-8');
  }
  if (/%[0-9A-Fa-f]{2}/.test(decoded)) throw new ScopeError('double percent-encoding is not allowed');
  return decoded;
}

/**
 * Normalises a decoded-or-encoded absolute path pattern: collapses `//` and `/./`, strips trailing
 * slashes, resolves `..` lexically (refusing to climb above `/`), and allows wildcards only in the last
 * segment: `**` (the directory and everything below) or a segment glob such as `*.md`.
 * Returns the decoded canonical path.
 */
export function normalisePath(raw: string): string {
  const decoded = percentDecode(raw);
  // Control characters and backslashes mean different things to different layers; refuse them outright.
  if (/[\u0000-\u001f\u007f\\]/.test(decoded)) throw new ScopeError('control characters and "\\" are not allowed in a path');
  if (!decoded.startsWith('/')) throw new ScopeError('a path scope must be absolute (start with "/")');
  const stack: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    const top = stack[stack.length - 1];
    if (top?.includes('*') === true) throw new ScopeError('wildcards are only allowed in the last path segment');
    if (segment === '..') {
      if (stack.pop() === undefined) throw new ScopeError('".." climbs above "/"');
      continue;
    }
    if (segment.includes('**') && segment !== '**') throw new ScopeError('"**" must be a whole path segment');
    stack.push(segment);
  }
  return `/${stack.join('/')}`;
}

/** The canonical text of a decoded path: only `%` needs escaping for the text to parse back to itself. */
export function encodePath(path: string): string {
  return path.replaceAll('%', '%25');
}

/** Pre-splits a canonical decoded path for matching. */
export function pathShape(path: string): PathShape {
  const cut = path.lastIndexOf('/');
  const dir = cut === 0 ? '/' : path.slice(0, cut);
  const name = path.slice(cut + 1);
  if (name === '') return { kind: 'exact', path, dir: undefined, name };
  if (name === '**') return { kind: 'tree', base: dir };
  if (name.includes('*')) return { kind: 'glob', dir, glob: name, regex: compileSegmentGlob(name) };
  return { kind: 'exact', path, dir, name };
}

/** `path` is `base` itself or lies below it. */
function within(path: string, base: string): boolean {
  if (base === '/') return true;
  return path === base || (path.startsWith(base) && path.charCodeAt(base.length) === 47 /* "/" */);
}

/** True when every path `wanted` can match is also matched by `held`; conservative on doubt. */
export function pathImplies(held: PathShape, wanted: PathShape): boolean {
  switch (held.kind) {
    case 'exact':
      return wanted.kind === 'exact' && wanted.path === held.path;
    case 'tree':
      return within(wanted.kind === 'exact' ? wanted.path : wanted.kind === 'tree' ? wanted.base : wanted.dir, held.base);
    case 'glob':
      if (wanted.kind === 'exact') return wanted.dir === held.dir && held.regex.test(wanted.name);
      // A tree reaches below the directory, which a segment glob never does.
      return wanted.kind === 'glob' && wanted.dir === held.dir && segmentGlobCovers(held.glob, wanted.glob);
  }
}

/** `/**`: every path. */
export function isWholeTree(shape: PathShape): boolean {
  return shape.kind === 'tree' && shape.base === '/';
}

/**
 * True when some path is matched by both patterns. Used where a rule must catch any request that could
 * touch what it names (approval rules), so a wide request overlaps every narrower rule inside it.
 */
export function pathsOverlap(a: PathShape, b: PathShape): boolean {
  if (a.kind === 'exact') return pathImplies(b, a);
  if (b.kind === 'exact') return pathImplies(a, b);
  if (a.kind === 'tree') return b.kind === 'tree' ? within(a.base, b.base) || within(b.base, a.base) : treeMeetsGlob(a, b);
  if (b.kind === 'tree') return treeMeetsGlob(b, a);
  return a.dir === b.dir && segmentGlobsIntersect(a.glob, b.glob);
}

type TreeShape = Extract<PathShape, { kind: 'tree' }>;
type GlobShape = Extract<PathShape, { kind: 'glob' }>;

/** A glob names children of its directory: they lie in the tree when the directory does, or one is its root. */
function treeMeetsGlob(tree: TreeShape, glob: GlobShape): boolean {
  if (within(glob.dir, tree.base)) return true;
  if (tree.base === '/') return false;
  const cut = tree.base.lastIndexOf('/');
  const parent = cut === 0 ? '/' : tree.base.slice(0, cut);
  return parent === glob.dir && glob.regex.test(tree.base.slice(cut + 1));
}
