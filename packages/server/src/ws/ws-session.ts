/**
 * One WebSocket speaking the wire protocol: each text frame goes to the kernel's ingress connection,
 * each envelope the connection receives goes to the socket. Transport duties only:
 * - a per-connection frame rate (`rate_limited` with `details.resetMs`, correlated when readable), and
 *   a nesting-depth limit checked before anything parses a frame;
 * - backpressure: once the socket holds more than `max_buffered_bytes` unsent, bus delivery and socket
 *   reads pause until everything queued so far has been written out (a ping's write callback tells);
 *   meanwhile the bus queue absorbs, drops droppable stream events, and closes the connection when a
 *   reply cannot be queued (`onOverflow`), so a client that stops reading costs bounded memory.
 */
import { type Connection, type Envelope, type ErrorCode, type ErrorPayload, type Kernel, type Logger, MAX_TOPIC_LENGTH, TOPIC_PATTERN, errorTopicOf, makeEnvelope } from '@aether/kernel';
import type { RawData, WebSocket } from 'ws';
import type { RequestAuth } from '../auth/request-auth.ts';
import type { GatewayMetrics } from '../metrics/metrics.ts';
import type { WsOptions } from '../options.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../transport/json-depth.ts';
import { MessageRate } from './message-rate.ts';

/** Direct sends (rate-limit answers) past this multiple of the bound mean the peer is not reading: hang up. */
const HARD_LIMIT_FACTOR = 4;

export interface WsSessionStats {
  readonly id: string;
  readonly principal: string | undefined;
  readonly bufferedBytes: number;
  readonly busQueued: number;
  readonly busDropped: number;
  readonly paused: boolean;
}

export interface WsSessionDeps {
  kernel: Kernel;
  auth: RequestAuth;
  /** The peer's network address. */
  source: string;
  limits: WsOptions;
  metrics: GatewayMetrics;
  logger: Logger;
  onClose: (session: WsSession) => void;
}

export class WsSession {
  readonly #socket: WebSocket;
  readonly #connection: Connection;
  readonly #deps: WsSessionDeps;
  readonly #rate: MessageRate;
  #paused = false;
  #closed = false;
  #answeredPing = true;

  /** Throws `cancelled` when the kernel is shutting down; the caller closes the socket. */
  constructor(socket: WebSocket, deps: WsSessionDeps) {
    this.#socket = socket;
    this.#deps = deps;
    this.#rate = new MessageRate(deps.limits.messages_per_second, deps.limits.message_burst);
    this.#connection = deps.kernel.ingress.connect({
      principal: deps.auth.principal,
      admin: deps.auth.admin,
      source: deps.source,
      onMessage: (envelope) => this.#send(envelope),
      onOverflow: () => this.#hangUp('its replies could not be delivered (bus queue full)'),
    });
    socket.on('message', (data) => this.#receive(data));
    socket.on('pong', () => {
      this.#answeredPing = true;
    });
    socket.on('close', () => this.#dispose());
    socket.on('error', (error) => {
      deps.logger.debug({ err: error, connection: this.id }, 'websocket error');
      this.#dispose();
    });
  }

  get id(): string {
    return this.#connection.id;
  }

  stats(): WsSessionStats {
    const bus = this.#connection.bus.stats();
    return {
      id: this.id,
      principal: this.#connection.principal?.id,
      bufferedBytes: this.#socket.bufferedAmount,
      busQueued: bus.queued,
      busDropped: bus.dropped,
      paused: this.#paused,
    };
  }

  /** One heartbeat: drops a peer that did not answer the last ping (dead or not reading), then pings. */
  heartbeat(): void {
    if (this.#closed) return;
    if (!this.#answeredPing) {
      this.#deps.logger.info({ connection: this.id }, 'closing a websocket: no answer to a ping');
      this.#socket.terminate();
      this.#dispose();
      return;
    }
    this.#answeredPing = false;
    this.#socket.ping();
  }

  /** Closes the socket with a close frame (shutdown: 1001 going away). */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#socket.close(code, reason);
    this.#dispose();
  }

  #receive(data: RawData): void {
    if (this.#closed) return;
    const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    this.#deps.metrics.frameReceived();
    const taken = this.#rate.take();
    if (!taken.ok) {
      this.#refuse(frame, 'rate_limited', 'too many frames on this connection; slow down', { resetMs: taken.resetMs });
      return;
    }
    if (nestsDeeperThan(frame)) {
      this.#refuse(frame, 'payload_invalid', `the frame nests deeper than ${MAX_JSON_DEPTH} levels`, { limit: MAX_JSON_DEPTH });
      return;
    }
    this.#connection.receive(frame);
  }

  /**
   * Answers a frame the transport refused, correlated to its topic and request id when they can be read.
   * The error payload is built directly (no Error object and stack trace): floods take this path.
   */
  #refuse(frame: Buffer, code: ErrorCode, message: string, details: Record<string, unknown>): void {
    const { topic, requestId } = correlation(frame);
    const payload: ErrorPayload = requestId === undefined ? { code, error: message, details } : { _request_id: requestId, code, error: message, details };
    const envelope = makeEnvelope(topic === undefined ? 'error' : errorTopicOf(topic), 'kernel', payload, this.id);
    this.#send(envelope);
    if (this.#socket.bufferedAmount > this.#deps.limits.max_buffered_bytes * HARD_LIMIT_FACTOR) {
      this.#hangUp('it sends without reading its answers');
    }
  }

  #send(envelope: Envelope): void {
    if (this.#closed) return;
    const code = envelope.payload?.code;
    if (typeof code === 'string' && /(?:^error|[.:]error)$/.test(envelope.topic)) this.#deps.metrics.errorSent(code, 'ws');
    this.#socket.send(JSON.stringify(envelope));
    if (!this.#paused && this.#socket.bufferedAmount > this.#deps.limits.max_buffered_bytes) this.#pause();
  }

  #pause(): void {
    this.#paused = true;
    this.#connection.bus.pause();
    this.#socket.pause();
    // A ping is written after everything queued before it; its callback means the backlog has drained.
    this.#socket.ping(undefined, undefined, (error) => {
      if (error === undefined || error === null) this.#resume();
    });
  }

  #resume(): void {
    if (this.#closed || !this.#paused) return;
    this.#paused = false;
    this.#socket.resume();
    this.#connection.bus.resume();
  }

  #hangUp(why: string): void {
    if (this.#closed) return;
    this.#deps.logger.warn({ connection: this.id, principal: this.#connection.principal?.id }, `closing a websocket: ${why}`);
    this.#deps.metrics.slowConsumerClosed();
    this.#socket.terminate();
    this.#dispose();
  }

  #dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.close();
    this.#deps.onClose(this);
  }
}

const LOOSE_TOPIC = /"topic"\s*:\s*"([A-Za-z0-9_.:-]{1,200})"/;
const LOOSE_REQUEST_ID = /"_request_id"\s*:\s*"([^"\\]{1,128})"/;

/**
 * Topic and `_request_id` of a refused frame, read loosely from its head without parsing it (the frame
 * may be one we refuse precisely because parsing it would be costly).
 */
function correlation(frame: Buffer): { topic: string | undefined; requestId: string | undefined } {
  const head = frame.subarray(0, 4096).toString('utf8');
  const topic = LOOSE_TOPIC.exec(head)?.[1];
  return {
    topic: topic !== undefined && topic.length <= MAX_TOPIC_LENGTH && TOPIC_PATTERN.test(topic) ? topic : undefined,
    requestId: LOOSE_REQUEST_ID.exec(head)?.[1],
  };
}
