/**
 * The capability grammar (DESIGN §5): `<domain>.<action>[:<scope>]`, e.g. `fs.read:/home/alice/**`,
 * `vm.net`, `net.fetch:https://api.github.com/**`, `topic.subscribe:vm.*`. Parsing normalises the
 * scope once, so every later comparison is between canonical forms, and `implies` is a conservative
 * subset test: when it cannot prove the wanted set is inside the held one, the answer is no.
 */
import { KernelError } from '../contracts/errors.ts';
import { normaliseScope, scopeImplies, scopesOverlap, ScopeError, type ScopeShape, ANY_SCOPE } from './scope.ts';

export interface Capability {
  readonly domain: string;
  readonly action: string;
  /** Canonical scope text; absent means every scope of `domain.action`. */
  readonly scope?: string;
}

/** A parsed capability with its scope pre-split for matching. */
export interface CompiledCapability {
  readonly capability: Capability;
  /** Canonical text, `formatCapability(capability)`. */
  readonly text: string;
  readonly domain: string;
  readonly action: string;
  readonly shape: ScopeShape;
}

/**
 * Longer strings are refused before any work is done on them: requirements arrive from the wire. Room
 * for a full-length path (4096 bytes, the VFS limit) with its domain, action and escapes.
 */
export const MAX_CAPABILITY_LENGTH = 8192;
const WORD = /^(?:\*|[a-z][a-z0-9_]*)$/;

function invalid(text: string, reason: string): KernelError {
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return new KernelError('payload_invalid', `invalid capability ${JSON.stringify(shown)}: ${reason}`, { capability: shown, reason });
}

/** Parses and normalises; throws KernelError `payload_invalid` saying what is wrong. */
export function compileCapability(text: string): CompiledCapability {
  if (typeof text !== 'string') throw invalid(typeof text, 'a capability must be a string');
  if (text === '') throw invalid(text, 'expected <domain>.<action>[:<scope>]');
  if (text.length > MAX_CAPABILITY_LENGTH) throw invalid(text, `longer than ${MAX_CAPABILITY_LENGTH} characters`);
  const colon = text.indexOf(':');
  const head = colon === -1 ? text : text.slice(0, colon);
  const dot = head.indexOf('.');
  if (dot === -1) throw invalid(text, 'expected <domain>.<action>[:<scope>] (no "." between domain and action)');
  const domain = head.slice(0, dot);
  const action = head.slice(dot + 1);
  if (!WORD.test(domain)) throw invalid(text, `domain ${JSON.stringify(domain)} must match [a-z][a-z0-9_]* or be "*"`);
  if (!WORD.test(action)) throw invalid(text, `action ${JSON.stringify(action)} must match [a-z][a-z0-9_]* or be "*"`);
  const rawScope = colon === -1 ? '' : text.slice(colon + 1);
  // `*` and `**` mean every scope, which is what no scope means: one canonical spelling for both.
  if (colon === -1 || rawScope === '*' || rawScope === '**') {
    const capability: Capability = Object.freeze({ domain, action });
    return Object.freeze({ capability, text: head, domain, action, shape: ANY_SCOPE });
  }
  let scope;
  try {
    scope = normaliseScope(domain, rawScope);
  } catch (error) {
    if (error instanceof ScopeError) throw invalid(text, `scope: ${error.message}`);
    throw error;
  }
  const capability: Capability = Object.freeze({ domain, action, scope: scope.text });
  return Object.freeze({ capability, text: `${head}:${scope.text}`, domain, action, shape: scope.shape });
}

export function parseCapability(text: string): Capability {
  return compileCapability(text).capability;
}

export function formatCapability(capability: Capability): string {
  const head = `${capability.domain}.${capability.action}`;
  return capability.scope === undefined ? head : `${head}:${capability.scope}`;
}

/** The subset test on compiled forms; the hot path of every check. */
export function compiledImplies(held: CompiledCapability, wanted: CompiledCapability): boolean {
  if (held.domain !== '*' && held.domain !== wanted.domain) return false;
  if (held.action !== '*' && held.action !== wanted.action) return false;
  return scopeImplies(held.shape, wanted.shape);
}

/**
 * True when some concrete capability is covered by both: the two could ever concern the same thing.
 * Rules that must catch every request touching what they name (approval rules) match this way.
 */
export function compiledOverlap(a: CompiledCapability, b: CompiledCapability): boolean {
  if (a.domain !== '*' && b.domain !== '*' && a.domain !== b.domain) return false;
  if (a.action !== '*' && b.action !== '*' && a.action !== b.action) return false;
  return scopesOverlap(a.shape, b.shape);
}

/**
 * True when everything `wanted` (a concrete capability or a pattern) grants, `held` grants too.
 * Capabilities that do not parse imply nothing and are implied by nothing.
 */
export function implies(held: Capability, wanted: Capability): boolean {
  try {
    return compiledImplies(compileCapability(formatCapability(held)), compileCapability(formatCapability(wanted)));
  } catch {
    return false;
  }
}
