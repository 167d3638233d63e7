/**
 * Fastify's own failures (body too large, not JSON, unknown route) answered in the same
 * `{ code, error }` shape as kernel errors, and every HTTP answer counted by route and status.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { GatewayContext } from './context.ts';
import { sendError } from './replies.ts';

export function registerErrorHandling(app: FastifyInstance, context: GatewayContext): void {
  const { metrics, logger } = context;
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, { code: 'payload_too_large', error: `the body exceeds the ${context.kernel.config.limits.max_payload_bytes} byte limit` }, metrics);
    if (status === 415) return sendError(reply, { code: 'payload_invalid', error: 'send the payload as application/json' }, metrics, 415);
    if (status >= 400 && status < 500) return sendError(reply, { code: 'payload_invalid', error: `bad request: ${error.message}` }, metrics);
    logger.error({ err: error }, 'http request failed');
    return sendError(reply, { code: 'internal_error', error: 'internal error' }, metrics);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, { code: 'not_found', error: `no route ${request.method} ${request.url.split('?')[0] ?? ''}; see /api/v1/openapi.json` }, metrics),
  );
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpAnswered(request.routeOptions.url ?? 'unmatched', reply.statusCode);
    done();
  });
}
