/**
 * `POST /rpc`: JSON-RPC 2.0 over HTTP. The body is read as text in this route's own scope so that a
 * malformed body is answered as JSON-RPC (-32700), not as a REST error. HTTP status is 200 for every
 * answered call (errors are in the body, per JSON-RPC); 204 when the body held only notifications.
 */
import type { FastifyInstance } from 'fastify';
import { ANONYMOUS } from '../auth/request-auth.ts';
import { abortOnClose } from '../http/abort-on-close.ts';
import type { GatewayContext } from '../http/context.ts';
import { requestGuard } from '../http/guard.ts';
import { answerRpcText } from './json-rpc.ts';
import { kernelRpcBackend } from './rpc-backend.ts';

export async function registerRpcRoute(app: FastifyInstance, context: GatewayContext): Promise<void> {
  await app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, parsed) => parsed(null, body));
    scope.post('/rpc', { preValidation: requestGuard(context) }, async (request, reply) => {
      const auth = request.aetherAuth ?? ANONYMOUS;
      const backend = kernelRpcBackend(context.kernel, auth, context.metrics, 'rpc', { signal: abortOnClose(reply), source: request.ip });
      const text = typeof request.body === 'string' ? request.body : '';
      const answer = await answerRpcText(text, backend);
      if (answer === undefined) return reply.code(204).send();
      return reply.code(200).type('application/json').send(answer);
    });
    done();
  });
}
