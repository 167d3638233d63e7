/**
 * A signal that aborts when the HTTP client goes away before its answer was written, so the call it
 * made is cancelled rather than left running for nobody.
 */
import type { FastifyReply } from 'fastify';

export function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
