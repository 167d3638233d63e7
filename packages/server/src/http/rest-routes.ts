/**
 * REST: one `POST /api/v1/<topic path>` per contract in the registry (see topic-path.ts), the JSON body
 * being the payload, plus the aliases DESIGN §12 promises (`POST /api/v1/setup` = `auth.setup`). Each
 * call goes through the kernel boundary like a WebSocket frame; the answer is `200` with the reply, or
 * the mapped status with `{ code, error, details? }`.
 */
import type { FastifyInstance, FastifyReply, RouteHandlerMethod } from 'fastify';
import { ANONYMOUS } from '../auth/request-auth.ts';
import { abortOnClose } from './abort-on-close.ts';
import type { GatewayContext } from './context.ts';
import { requestGuard } from './guard.ts';
import { callThroughIngress } from './ingress-call.ts';
import { sendError } from './replies.ts';
import { API_PREFIX, fastifyRouteOf } from './topic-path.ts';

/** Runs after a successful call on a topic, before the reply is sent (e.g. setting a session cookie). */
export type ReplyHook = (topic: string, reply: Record<string, unknown>, respond: FastifyReply) => Record<string, unknown>;

/** Conventional paths for contracts that people type by hand (DESIGN §12). */
export const ROUTE_ALIASES: Readonly<Record<string, string>> = { [`${API_PREFIX}/setup`]: 'auth.setup' };

export function registerRestRoutes(app: FastifyInstance, context: GatewayContext, hooks: ReadonlyMap<string, ReplyHook> = new Map()): void {
  const guard = requestGuard(context);
  const timeoutMs = context.kernel.config.limits.request_timeout_ms;
  const handlerOf = (topic: string): RouteHandlerMethod => {
    const hook = hooks.get(topic);
    return async (request, reply) => {
      const auth = request.aetherAuth ?? ANONYMOUS;
      const payload = request.body ?? {};
      const outcome = await callThroughIngress(context.kernel, auth, topic, payload, { timeoutMs, signal: abortOnClose(reply), source: request.ip });
      if (!outcome.ok) return sendError(reply, outcome.error, context.metrics);
      return reply.code(200).send(hook === undefined ? outcome.reply : hook(topic, outcome.reply, reply));
    };
  };
  for (const { topic } of context.kernel.registry.describe()) {
    app.post(fastifyRouteOf(topic), { preValidation: guard }, handlerOf(topic));
  }
  for (const [path, topic] of Object.entries(ROUTE_ALIASES)) {
    if (context.kernel.registry.get(topic) !== undefined) app.post(path, { preValidation: guard }, handlerOf(topic));
  }
}
