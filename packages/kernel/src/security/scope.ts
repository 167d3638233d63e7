/**
 * Scope kinds by domain and the one subset test over them. Which rules apply is decided by the domain
 * (paths for `fs`/`vfs`, URLs for `net`, topics for `topic`, names for the rest), so a scope can never
 * be read under looser rules than its domain calls for.
 */
import { encodePath, isWholeTree, normalisePath, pathImplies, pathShape, pathsOverlap, ScopeError, type PathShape } from './scope-path.ts';
import { formatNet, normaliseNet } from './scope-net.ts';
import { formatName, nameImplies, namesOverlap, normaliseName, normaliseTopic, type NameScope } from './scope-name.ts';

/** A parsed scope ready for matching. `any` is no scope (also spelled `*` or `**`): every scope. */
export type ScopeShape =
  | { readonly kind: 'any' }
  | { readonly kind: 'path'; readonly path: PathShape }
  | { readonly kind: 'net'; readonly origin: string; readonly path: PathShape }
  | { readonly kind: 'name'; readonly name: NameScope };

export const ANY_SCOPE: ScopeShape = Object.freeze({ kind: 'any' });

const PATH_DOMAINS = new Set(['fs', 'vfs']);

export interface NormalisedScope {
  /** Canonical text, as it appears after the `:` of a formatted capability. */
  readonly text: string;
  readonly shape: ScopeShape;
}

/** Normalises the scope of a capability in `domain`; throws ScopeError saying what is wrong. */
export function normaliseScope(domain: string, raw: string): NormalisedScope {
  if (raw === '') throw new ScopeError('the scope after ":" is empty');
  if (domain === '*') throw new ScopeError('a wildcard domain cannot carry a scope: scope rules depend on the domain');
  if (PATH_DOMAINS.has(domain)) {
    const path = normalisePath(raw);
    return { text: encodePath(path), shape: { kind: 'path', path: pathShape(path) } };
  }
  if (domain === 'net') {
    const net = normaliseNet(raw);
    return { text: formatNet(net), shape: { kind: 'net', origin: net.origin, path: pathShape(net.path) } };
  }
  const name = domain === 'topic' ? normaliseTopic(raw) : normaliseName(raw);
  return { text: formatName(name), shape: { kind: 'name', name } };
}

/** True when every scope `wanted` covers is covered by `held` (both from the same domain). */
export function scopeImplies(held: ScopeShape, wanted: ScopeShape): boolean {
  if (held.kind === 'any') return true;
  // A requirement for every scope is met only by a grant of every scope.
  if (wanted.kind === 'any') return held.kind === 'path' && isWholeTree(held.path);
  switch (held.kind) {
    case 'path':
      return wanted.kind === 'path' && pathImplies(held.path, wanted.path);
    case 'net':
      return wanted.kind === 'net' && wanted.origin === held.origin && pathImplies(held.path, wanted.path);
    case 'name':
      return wanted.kind === 'name' && nameImplies(held.name, wanted.name);
  }
}

/** True when some scope is covered by both (same domain); `any` meets everything. */
export function scopesOverlap(a: ScopeShape, b: ScopeShape): boolean {
  if (a.kind === 'any' || b.kind === 'any') return true;
  switch (a.kind) {
    case 'path':
      return b.kind === 'path' && pathsOverlap(a.path, b.path);
    case 'net':
      return b.kind === 'net' && a.origin === b.origin && pathsOverlap(a.path, b.path);
    case 'name':
      return b.kind === 'name' && namesOverlap(a.name, b.name);
  }
}

export { ScopeError };
