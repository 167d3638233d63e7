/**
 * The request guard every kernel-facing route runs before its handler (`preValidation`):
 * 1. a browser `Origin` must be the daemon's own or allowlisted (WebSocket upgrades and state changes);
 * 2. credentials are resolved (admin token, API token, session cookie); a bad bearer token is 401;
 * 3. a cookie-authenticated request that changes state must carry the session's CSRF token.
 * The resolved identity is left on `request.aetherAuth`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { CSRF_HEADER } from '../auth/cookies.ts';
import { authenticateRequest } from '../auth/request-auth.ts';
import type { GatewayContext } from './context.ts';
import { sendError } from './replies.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requestGuard(context: GatewayContext): preValidationAsyncHookHandler {
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    const changesState = upgrade || !SAFE_METHODS.has(request.method);
    const origin = request.headers.origin;
    if (changesState && !context.origins.allows(origin, request.headers.host, request.protocol === 'https')) {
      await sendError(reply, { code: 'permission_denied', error: `origin ${origin ?? ''} is not allowed; add it to AETHER_ALLOWED_ORIGINS to permit it` }, context.metrics);
      return;
    }
    const auth = await authenticateRequest(request.headers, context.kernel, context.authenticator);
    if (auth.kind === 'invalid') {
      await sendError(reply.header('www-authenticate', 'Bearer'), { code: 'unauthenticated', error: auth.reason }, context.metrics);
      return;
    }
    if (auth.kind === 'session' && changesState && !upgrade && !sameSecret(request.headers[CSRF_HEADER], auth.csrfToken)) {
      await sendError(reply, { code: 'permission_denied', error: `a browser session must send its CSRF token in the ${CSRF_HEADER} header` }, context.metrics);
      return;
    }
    request.aetherAuth = auth;
  };
}

function sameSecret(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
