/**
 * Name scopes (`ai.generate:anthropic/*`, `agent.spawn:researcher`) and topic scopes
 * (`topic.subscribe:vm.*`): an exact name or a prefix ending in `*`. Case is kept: names are
 * identifiers, and treating `Researcher` as `researcher` would be a guess.
 */
import { ScopeError } from './scope-path.ts';

export interface NameScope {
  /** The name, or the prefix when `prefix` is true (without the `*`). */
  readonly value: string;
  readonly prefix: boolean;
}

const NAME_CHARS = /^[A-Za-z0-9_.\-/@+=:~]+$/;
const TOPIC_CHARS = /^[A-Za-z0-9_.:-]+$/;

function split(raw: string): NameScope {
  const prefix = raw.endsWith('*');
  const value = prefix ? raw.slice(0, -1) : raw;
  if (value.includes('*')) throw new ScopeError('"*" is only allowed at the end of a name');
  return { value, prefix };
}

export function normaliseName(raw: string): NameScope {
  const scope = split(raw);
  if (!NAME_CHARS.test(scope.value)) throw new ScopeError('a name may contain letters, digits and _ . - / @ + = : ~');
  // Names like `provider/model` are often split on `/` downstream; `..` or empty parts there would be
  // read as paths by someone, so they are refused here.
  const parts = scope.value.split('/');
  const last = parts.length - 1;
  parts.forEach((part, i) => {
    if (part === '.' || part === '..') throw new ScopeError('"." and ".." are not allowed as name parts');
    if (part === '' && !(i === last && scope.prefix && i > 0)) throw new ScopeError('empty name parts ("//", leading or trailing "/") are not allowed');
  });
  return scope;
}

export function normaliseTopic(raw: string): NameScope {
  const scope = split(raw);
  if (!TOPIC_CHARS.test(scope.value)) throw new ScopeError('a topic may contain letters, digits and _ - . :');
  return scope;
}

export function formatName(scope: NameScope): string {
  return scope.prefix ? `${scope.value}*` : scope.value;
}

/** Exact names imply only themselves; a prefix implies every name or prefix that starts with it. */
export function nameImplies(held: NameScope, wanted: NameScope): boolean {
  if (held.prefix) return wanted.value.startsWith(held.value);
  return !wanted.prefix && wanted.value === held.value;
}

/** True when some name is matched by both scopes: equal names, or one prefix leading to the other. */
export function namesOverlap(a: NameScope, b: NameScope): boolean {
  if (a.prefix && b.value.startsWith(a.value)) return true;
  if (b.prefix && a.value.startsWith(b.value)) return true;
  return !a.prefix && !b.prefix && a.value === b.value;
}
