/**
 * aetherd's transport: one Fastify server with the wire protocol on `/ws`, every contract as REST and
 * JSON-RPC, OpenAPI, health and metrics, plus JSON-RPC on the local Unix socket. It wires the pieces;
 * each piece lives in its own module. Security headers on everything; CORS only for allowlisted origins.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import websocket from '@fastify/websocket';
import type { Kernel } from '@aether/kernel';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Authenticator } from './auth/authenticator.ts';
import { sessionCookieHooks } from './auth/session-cookies.ts';
import { registerBasicRoutes } from './http/basic-routes.ts';
import type { GatewayContext } from './http/context.ts';
import { registerErrorHandling } from './http/error-handling.ts';
import { registerJsonBody } from './http/json-body.ts';
import { registerRestRoutes } from './http/rest-routes.ts';
import { GatewayMetrics } from './metrics/metrics.ts';
import type { ServerOptions } from './options.ts';
import { registerRpcRoute } from './rpc/rpc-route.ts';
import { type UnixRpcServer, startUnixRpc } from './rpc/unix-socket.ts';
import { ReplayBuffer } from './streams/replay-buffer.ts';
import { registerResumeContract } from './streams/resume-contract.ts';
import { bindRefusal, isLoopback } from './transport/bind-policy.ts';
import { OriginPolicy } from './transport/origin-policy.ts';
import { WsGateway } from './ws/ws-gateway.ts';

export const SOCKET_FILE = 'aetherd.sock';

export interface ServerDeps {
  /** Who bearer tokens and session cookies stand for; the kernel's identity unless replaced. */
  authenticator?: Authenticator;
}

export interface AetherServer {
  /** Where clients reach the daemon (a wildcard bind is reported as loopback). */
  readonly url: string;
  readonly port: number;
  readonly socketPath: string | undefined;
  readonly ws: WsGateway;
  readonly replay: ReplayBuffer;
  readonly metrics: GatewayMetrics;
  readonly app: FastifyInstance;
  /** Stops listening, says goodbye to every client and releases the socket. Idempotent; the kernel is the caller's. */
  close(): Promise<void>;
}

export async function startServer(kernel: Kernel, options: ServerOptions, deps: ServerDeps = {}): Promise<AetherServer> {
  const { host, port } = kernel.config;
  const refusal = bindRefusal(host, options.tls !== undefined, options.insecure);
  if (refusal !== undefined) throw new Error(refusal);

  const metrics = new GatewayMetrics(kernel);
  const context: GatewayContext = {
    kernel,
    authenticator: deps.authenticator ?? kernel.identity.authenticator,
    options,
    origins: new OriginPolicy(options.allowed_origins),
    metrics,
    logger: kernel.logger,
    loopbackOnly: isLoopback(host),
  };
  const replay = new ReplayBuffer(options.replay);
  const replayer = kernel.bus.connect({ id: `gateway:replay:${crypto.randomUUID()}`, onMessage: (envelope) => replay.record(envelope) });
  replayer.subscribe('*');
  registerResumeContract(kernel, replay, replayer);

  const tls = options.tls;
  const app = Fastify({
    bodyLimit: kernel.config.limits.max_payload_bytes,
    forceCloseConnections: true,
    return503OnClosing: true,
    // Fastify's own request logging stays off; the gateway logs what matters through the kernel's logger.
    logger: false,
    serverFactory: (handler): http.Server => (tls === undefined ? http.createServer(handler) : https.createServer({ cert: tls.cert, key: tls.key }, handler)),
  });
  app.decorateRequest('aetherAuth', null);
  await app.register(helmet, { hsts: tls !== undefined, crossOriginResourcePolicy: { policy: 'same-origin' } });
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && context.origins.listed(origin)),
    credentials: true,
    allowedHeaders: ['content-type', 'authorization', 'x-csrf-token'],
    methods: ['GET', 'POST'],
  });
  await app.register(websocket, { options: { maxPayload: kernel.config.limits.max_payload_bytes * 2, perMessageDeflate: false } });
  registerErrorHandling(app, context);
  registerJsonBody(app);
  registerBasicRoutes(app, context);
  const ws = new WsGateway(context);
  ws.register(app);
  registerRestRoutes(app, context, sessionCookieHooks(tls !== undefined));
  await registerRpcRoute(app, context);

  await app.listen({ host, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `${tls === undefined ? 'http' : 'https'}://${reachableHost(host)}:${boundPort}`;

  let unix: UnixRpcServer | undefined;
  if (options.unix_socket) {
    try {
      unix = await startUnixRpc(kernel, path.join(kernel.config.data_dir, SOCKET_FILE), metrics);
    } catch (thrown) {
      kernel.logger.warn({ err: thrown }, 'local JSON-RPC socket not available');
    }
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port: boundPort,
    socketPath: unix?.path,
    ws,
    replay,
    metrics,
    app,
    close: () =>
      (closing ??= (async () => {
        ws.stop();
        await app.close();
        await unix?.close();
        replayer.close();
      })()),
  };
}

/** The host a client should dial: wildcard binds are reached on loopback; IPv6 literals get brackets. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
