/**
 * The `/ws` endpoint and the set of live WebSocket sessions. Origin and credentials are checked by the
 * request guard before the upgrade completes, so a foreign page never gets a socket at all.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { ANONYMOUS, type RequestAuth } from '../auth/request-auth.ts';
import type { GatewayContext } from '../http/context.ts';
import { requestGuard } from '../http/guard.ts';
import { WsSession, type WsSessionStats } from './ws-session.ts';

export interface WsGatewayStats {
  readonly connections: number;
  /** Bytes waiting in sockets' send buffers, summed and at most. */
  readonly bufferedBytes: number;
  readonly maxBufferedBytes: number;
  /** Envelopes waiting in the connections' bus queues, summed and at most. */
  readonly busQueued: number;
  readonly maxBusQueued: number;
}

export class WsGateway {
  readonly #context: GatewayContext;
  readonly #sessions = new Set<WsSession>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(context: GatewayContext) {
    this.#context = context;
    this.#heartbeat = setInterval(() => {
      for (const session of [...this.#sessions]) session.heartbeat();
    }, context.options.ws.heartbeat_ms);
    this.#heartbeat.unref();
  }

  register(app: FastifyInstance): void {
    app.get('/ws', { websocket: true, preValidation: requestGuard(this.#context) }, (socket, request) => {
      this.#open(socket, request.aetherAuth ?? ANONYMOUS, request.ip);
    });
  }

  sessions(): WsSessionStats[] {
    return [...this.#sessions].map((session) => session.stats());
  }

  stats(): WsGatewayStats {
    let bufferedBytes = 0;
    let maxBufferedBytes = 0;
    let busQueued = 0;
    let maxBusQueued = 0;
    for (const { bufferedBytes: buffered, busQueued: queued } of this.sessions()) {
      bufferedBytes += buffered;
      busQueued += queued;
      maxBufferedBytes = Math.max(maxBufferedBytes, buffered);
      maxBusQueued = Math.max(maxBusQueued, queued);
    }
    return { connections: this.#sessions.size, bufferedBytes, maxBufferedBytes, busQueued, maxBusQueued };
  }

  /** Shutdown: stops the heartbeat and says goodbye to every client. */
  stop(): void {
    clearInterval(this.#heartbeat);
    this.closeAll();
  }

  /** Says goodbye to every client (1001 going away). */
  closeAll(): void {
    for (const session of [...this.#sessions]) session.close(1001, 'the daemon is shutting down');
  }

  #open(socket: WebSocket, auth: RequestAuth, source: string): void {
    const { kernel, options, metrics, logger } = this.#context;
    try {
      const session = new WsSession(socket, {
        kernel,
        auth,
        source,
        limits: options.ws,
        metrics,
        logger,
        onClose: (closed) => {
          if (this.#sessions.delete(closed)) metrics.socketClosed();
        },
      });
      this.#sessions.add(session);
      metrics.socketOpened();
    } catch {
      socket.close(1013, 'the daemon is not accepting connections');
    }
  }
}
