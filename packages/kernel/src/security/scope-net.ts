/**
 * Network scopes (`net.fetch:https://api.github.com/repos/**`): the origin is normalised by the WHATWG
 * URL parser (lowercase scheme and host, IDNA, default port dropped), the path by the path rules. The
 * path is taken from the raw text before URL parsing because the URL parser silently clamps `..` at the
 * root, and a scope that tries to climb must be refused, not repaired.
 */
import { normalisePath, ScopeError } from './scope-path.ts';

const SCHEMES = new Set(['http', 'https', 'ws', 'wss']);
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:[?#].*)?$/s;
// What may stay unescaped in a canonical path segment (RFC 3986 pchar, with `*` as our wildcard).
const PCHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

export interface NetScope {
  /** `scheme://host[:port]`, as the URL parser serialises an origin. */
  readonly origin: string;
  /** Decoded canonical path pattern. */
  readonly path: string;
}

/**
 * Query and fragment are dropped: a capability is about which resource may be reached, and requirements
 * are computed from real URLs that carry queries.
 */
export function normaliseNet(raw: string): NetScope {
  const parts = URL_PARTS.exec(raw);
  if (parts === null) throw new ScopeError('expected <scheme>://<host>[/<path>]');
  const [, schemeText = '', authority = '', rawPath = ''] = parts;
  const scheme = schemeText.toLowerCase();
  if (!SCHEMES.has(scheme)) throw new ScopeError(`scheme "${scheme}" is not one of ${[...SCHEMES].join(', ')}`);
  if (authority === '') throw new ScopeError('the host is missing');
  if (authority.includes('@')) throw new ScopeError('credentials are not allowed in a net scope');
  if (authority.includes('*')) throw new ScopeError('wildcards are only allowed in the path, not the host');
  let origin: string;
  try {
    origin = new URL(`${scheme}://${authority}/`).origin;
  } catch {
    throw new ScopeError(`"${authority}" is not a valid host`);
  }
  return { origin, path: normalisePath(rawPath === '' ? '/' : rawPath) };
}

/** Canonical text: the origin followed by the path with everything outside pchar percent-encoded. */
export function formatNet(scope: NetScope): string {
  let out = '';
  for (const ch of scope.path) {
    out += ch === '/' || PCHAR.test(ch) ? ch : encodeURIComponent(ch);
  }
  return scope.origin + out;
}
