/**
 * fast-check generators of capabilities for the property tests (test support only; nothing in the
 * kernel imports this). The universe is deliberately small — few domains, names and path segments — so
 * random grants and random probes collide often enough for the properties to bite.
 */
import fc from 'fast-check';

const SEGMENTS = ['a', 'b', 'ab', 'x.md', 'y.txt', '.env'];
const ORIGINS = ['https://a.com', 'https://b.com', 'http://a.com', 'https://a.com:8443'];
const TOPICS = ['vm.', 'vm.spawn', 'vm.stdout', 'agent.', 'agent.spawn', 'v'];
const NAMES = ['anthropic/', 'anthropic/claude', 'anthropic/claude-opus', 'openai/gpt', 'o'];
const VM_SCOPES = ['wasi', 'sandbox', 'w', 's'];

const concretePath = fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 4 }).map((parts) => `/${parts.join('/')}`);

/** A path pattern: an exact path, `dir/**`, or `dir/<segment glob>`. */
const pathPattern = fc
  .tuple(fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 3 }), fc.constantFrom('', '/**', '/*', '/*.md', '/a*', '/*b'))
  .map(([parts, tail]) => `/${parts.join('/')}${tail}`.replace(/^\/\//, '/'));

const prefixed = (values: readonly string[], wildcard: boolean): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...values), wildcard ? fc.boolean() : fc.constant(false)).map(([v, star]) => (star ? `${v}*` : v));

function scopeFor(domain: string, concrete: boolean): fc.Arbitrary<string | undefined> {
  const withStar = !concrete;
  const optional = (scope: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> =>
    concrete ? scope : fc.option(scope, { nil: undefined, freq: 4 });
  switch (domain) {
    case 'fs':
      return optional(concrete ? concretePath : pathPattern);
    case 'net':
      return optional(fc.tuple(fc.constantFrom(...ORIGINS), concrete ? concretePath : pathPattern).map(([o, p]) => o + p));
    case 'topic':
      return optional(prefixed(TOPICS, withStar).filter((t) => t !== ''));
    case 'ai':
      return optional(prefixed(NAMES, withStar).filter((n) => !n.endsWith('/')));
    default:
      return concrete ? fc.option(fc.constantFrom(...VM_SCOPES), { nil: undefined }) : fc.option(prefixed(VM_SCOPES, true), { nil: undefined });
  }
}

function build(domain: string, action: string, scope: string | undefined): string {
  return scope === undefined ? `${domain}.${action}` : `${domain}.${action}:${scope}`;
}

/** Grants and requests: may use `*` domains and actions, globs, prefixes and no scope. */
export const capabilityPattern: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('fs', 'net', 'topic', 'ai', 'vm', 'fs', 'fs', '*'), fc.constantFrom('read', 'write', '*'))
  .chain(([domain, action]) =>
    domain === '*' ? fc.constant(build('*', action, undefined)) : scopeFor(domain, false).map((scope) => build(domain, action, scope)),
  );

/** What a message would require: concrete domain, action and scope. */
export const concreteCapability: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('fs', 'net', 'topic', 'ai', 'vm'), fc.constantFrom('read', 'write'))
  .chain(([domain, action]) => scopeFor(domain, true).map((scope) => build(domain, action, scope)));

/** A request derived from a grant by narrowing its path or name, so narrow() often succeeds. */
export function narrowed(grant: string, extra: string): string {
  if (!grant.includes(':')) return grant;
  if (grant.endsWith('/**')) return `${grant.slice(0, -3)}/${extra}/**`;
  if (grant.endsWith('*')) return `${grant.slice(0, -1)}${extra}`;
  return grant;
}

export const SEGMENT: fc.Arbitrary<string> = fc.constantFrom(...SEGMENTS.filter((s) => !s.startsWith('.')));
