/**
 * Who a request or WebSocket upgrade acts for, from its headers: the operator admin token or an API
 * token in `Authorization: Bearer …`, else a session cookie, else nobody. A bearer credential that does
 * not check out is an error (the client meant to authenticate); a stale cookie is just ignored, so a
 * browser with an expired session still reaches the public login contracts.
 */
import { CapabilitySet, type Kernel, type Principal, makePrincipal } from '@aether/kernel';
import type { Authenticator } from './authenticator.ts';
import { SESSION_COOKIE, readCookie } from './cookies.ts';

/** The operator presenting the admin token (or using the local socket): every capability, no limits. */
export const OPERATOR: Principal = makePrincipal('service', 'operator', CapabilitySet.all());

export type RequestAuth =
  | { readonly kind: 'none'; readonly principal: undefined; readonly admin: false }
  | { readonly kind: 'admin'; readonly principal: Principal; readonly admin: true }
  | { readonly kind: 'bearer'; readonly principal: Principal; readonly admin: false }
  | { readonly kind: 'session'; readonly principal: Principal; readonly admin: false; readonly csrfToken: string; readonly sessionId: string };

export type AuthFailure = { readonly kind: 'invalid'; readonly reason: string };

export const ANONYMOUS: RequestAuth = { kind: 'none', principal: undefined, admin: false };

export interface AuthHeaders {
  authorization?: string | undefined;
  cookie?: string | undefined;
}

export async function authenticateRequest(headers: AuthHeaders, kernel: Kernel, authenticator: Authenticator): Promise<RequestAuth | AuthFailure> {
  const header = headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header.trim());
    if (match === null) return { kind: 'invalid', reason: 'Authorization must be "Bearer <token>"' };
    const token = match[1] as string;
    if (kernel.adminToken?.verify(token) === true) return { kind: 'admin', principal: OPERATOR, admin: true };
    const principal = await safely(() => authenticator.authenticateBearer(token));
    if (principal === undefined) return { kind: 'invalid', reason: 'the bearer token is unknown, expired or revoked; log in again or create a new token' };
    return { kind: 'bearer', principal, admin: false };
  }
  const sessionId = readCookie(headers.cookie, SESSION_COOKIE);
  if (sessionId !== undefined) {
    const session = await safely(() => authenticator.authenticateSession(sessionId));
    if (session !== undefined) return { kind: 'session', principal: session.principal, admin: false, csrfToken: session.csrfToken, sessionId };
  }
  return ANONYMOUS;
}

/** An authenticator that throws authenticates nobody (fail closed). */
async function safely<T>(run: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await run();
  } catch {
    return undefined;
  }
}
