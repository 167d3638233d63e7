/**
 * Browser sessions over REST: a successful `auth.login` that opened a session sets it as an httpOnly,
 * SameSite=Strict cookie (Secure under TLS) and leaves the session id out of the JSON, so page scripts
 * never hold it — they get the CSRF token to echo. `auth.logout` clears the cookie. WebSocket and
 * JSON-RPC callers, which are programs, get replies unchanged.
 */
import type { ReplyHook } from '../http/rest-routes.ts';
import { sessionCookie } from './cookies.ts';

export const LOGIN_TOPIC = 'auth.login';
export const LOGOUT_TOPIC = 'auth.logout';

export function sessionCookieHooks(secure: boolean, now: () => number = Date.now): Map<string, ReplyHook> {
  const login: ReplyHook = (_topic, reply, respond) => {
    const session = reply.session;
    if (typeof session !== 'object' || session === null) return reply;
    const { sessionId, ...visible } = session as { sessionId?: unknown; expiresAt?: unknown };
    if (typeof sessionId !== 'string') return reply;
    const expires = typeof visible.expiresAt === 'string' ? Date.parse(visible.expiresAt) : Number.NaN;
    const maxAgeSeconds = Number.isFinite(expires) ? Math.max(0, (expires - now()) / 1000) : 0;
    respond.header('set-cookie', sessionCookie(sessionId, { secure, maxAgeSeconds }));
    return { ...reply, session: visible };
  };
  const logout: ReplyHook = (_topic, reply, respond) => {
    respond.header('set-cookie', sessionCookie('', { secure, maxAgeSeconds: 0 }));
    return reply;
  };
  return new Map([
    [LOGIN_TOPIC, login],
    [LOGOUT_TOPIC, logout],
  ]);
}
