/**
 * Error answers over HTTP: always `{ code, error, details? }` with the status the code maps to, and
 * `Retry-After` when rate limited. Internal errors never carry internals.
 */
import type { ErrorPayload } from '@aether/kernel';
import type { FastifyReply } from 'fastify';
import type { GatewayMetrics } from '../metrics/metrics.ts';
import { httpStatusOf } from './error-status.ts';

export function sendError(reply: FastifyReply, error: ErrorPayload, metrics: GatewayMetrics, status: number = httpStatusOf(error.code)): FastifyReply {
  const { _request_id: _id, ...body } = error;
  metrics.errorSent(error.code, 'http');
  const resetMs = error.details?.resetMs;
  if (error.code === 'rate_limited' && typeof resetMs === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(resetMs / 1000))));
  return reply.code(status).send(body);
}
