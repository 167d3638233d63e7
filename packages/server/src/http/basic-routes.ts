/**
 * The routes that are not contracts: `/health` (no authentication, no details), `/metrics`
 * (Prometheus; open on a loopback-only daemon, otherwise it needs the metrics or admin token) and
 * `/api/v1/openapi.json` (generated from the registry).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../openapi/openapi.ts';
import type { GatewayContext } from './context.ts';
import { sendError } from './replies.ts';
import { API_PREFIX } from './topic-path.ts';

export function registerBasicRoutes(app: FastifyInstance, context: GatewayContext): void {
  app.get('/health', (_request, reply) => reply.code(200).send({ status: 'ok' }));

  app.get('/metrics', async (request, reply) => {
    if (!metricsAllowed(context.loopbackOnly, request.headers.authorization, context.kernel.adminToken, context.options.metrics_token)) {
      return sendError(reply.header('www-authenticate', 'Bearer'), { code: 'unauthenticated', error: 'metrics need Authorization: Bearer <AETHER_METRICS_TOKEN or admin token>' }, context.metrics);
    }
    const text = await context.metrics.registry.metrics();
    return reply.code(200).type(context.metrics.registry.contentType).send(text);
  });

  let document: Record<string, unknown> | undefined;
  app.get(`${API_PREFIX}/openapi.json`, (_request, reply) => {
    document ??= openApiDocument(context.kernel.registry.describe(), context.kernel.version);
    return reply.code(200).send(document);
  });
}

/** Open on a loopback-only daemon; otherwise the admin token or the metrics token, compared in constant time. */
export function metricsAllowed(loopbackOnly: boolean, header: string | undefined, adminToken: { verify(token: string): boolean } | undefined, metricsToken: string | undefined): boolean {
  if (loopbackOnly) return true;
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  if (token === undefined) return false;
  if (adminToken?.verify(token) === true) return true;
  if (metricsToken === undefined) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(token), digest(metricsToken));
}
