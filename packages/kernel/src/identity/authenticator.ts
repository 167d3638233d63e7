/**
 * What the transport asks identity (packages/server): who does this bearer credential or session cookie
 * stand for? `authenticateBearer` takes an API token (`aet_…`) or a session id (`aes_…`, for clients that
 * carry it in a header instead of a cookie); `authenticateSession` also returns the session's CSRF token,
 * which `checkCsrf` compares in constant time against what a cookie-authenticated request presented.
 * Unknown, expired, revoked and malformed credentials all answer undefined: the transport says
 * `unauthenticated` without saying why.
 */
import type { Principal } from '../security/principal.ts';
import { SESSION_PREFIX, TOKEN_PREFIX } from './secrets.ts';
import { checkCsrf, type SessionAuth, type SessionService } from './session-service.ts';
import type { TokenService } from './token-service.ts';

export type { SessionAuth } from './session-service.ts';

export interface Authenticator {
  authenticateBearer(token: string): Promise<Principal | undefined>;
  authenticateSession(sessionId: string): Promise<SessionAuth | undefined>;
  checkCsrf(session: SessionAuth, presented: string | undefined): boolean;
}

export function createAuthenticator(tokens: TokenService, sessions: SessionService): Authenticator {
  return {
    authenticateBearer: async (token) => {
      if (typeof token !== 'string') return undefined;
      if (token.startsWith(TOKEN_PREFIX)) return tokens.authenticate(token);
      if (token.startsWith(SESSION_PREFIX)) return (await sessions.authenticate(token))?.principal;
      return undefined;
    },
    authenticateSession: (sessionId) => (typeof sessionId === 'string' ? sessions.authenticate(sessionId) : Promise.resolve(undefined)),
    checkCsrf,
  };
}
