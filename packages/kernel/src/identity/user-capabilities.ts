/**
 * What a user holds: their role's capabilities (security/roles.ts, with `{user}` scopes filled in, e.g.
 * `fs.*:/home/alice/**`) plus the identity self-service capabilities every signed-in person needs —
 * `auth.whoami` (whoami, logout), `auth.token` (manage their own API tokens) and `auth.passwd` (change
 * their own password). Every principal identity issues holds `auth.whoami`, so a principal whose grants
 * were all revoked (logged out, token revoked, user removed) is recognisable: it holds nothing at all.
 */
import { KernelError } from '../contracts/errors.ts';
import type { Roles } from '../security/roles.ts';

export const WHOAMI = 'auth.whoami';
export const MANAGE_OWN_TOKENS = 'auth.token';
export const CHANGE_OWN_PASSWORD = 'auth.passwd';
/** Manage users, and other users' tokens. The admin role (`*.*`) holds it. */
export const AUTH_ADMIN = 'auth.admin';

export const SELF_SERVICE: readonly string[] = Object.freeze([WHOAMI, MANAGE_OWN_TOKENS, CHANGE_OWN_PASSWORD]);

/** Lowercase, starts with a letter, safe as a path segment and a principal name. */
export const USER_NAME = /^[a-z][a-z0-9._-]{0,63}$/;
/** Names the kernel uses for itself (the ingress's unauthenticated principal is `user:anonymous`). */
const RESERVED = new Set(['anonymous', 'kernel', 'system']);

export function checkUserName(name: string): string {
  if (!USER_NAME.test(name) || name.includes('..')) {
    throw new KernelError('payload_invalid', `user name ${JSON.stringify(name)} must be lowercase letters, digits and . _ -, starting with a letter (at most 64)`);
  }
  if (RESERVED.has(name)) throw new KernelError('payload_invalid', `user name "${name}" is reserved`);
  return name;
}

export function userCapabilities(roles: Roles, user: { readonly name: string; readonly role: string }): string[] {
  return [...roles.get(user.role, user.name), ...SELF_SERVICE];
}
