/**
 * The kernel boundary (DESIGN §4): every inbound frame passes, in order, the size limit and JSON parse,
 * authentication, the envelope schema, the operator's topic rules, the contract's capability check and
 * the per-(principal, topic) rate limit before its handler runs. Every frame is answered by exactly one
 * addressed reply or error; nothing here throws to the transport.
 */
import type { Bus, BusClient } from '../bus/bus.ts';
import type { Envelope, Payload } from '../bus/envelope.ts';
import { REQUEST_ID } from '../bus/envelope.ts';
import { ackTopicOf, errorTopicOf } from '../bus/topics.ts';
import { KernelError, toKernelError } from '../contracts/errors.ts';
import type { ContractRegistry, PreparedCall } from '../contracts/registry.ts';
import type { Logger } from '../observability/logger.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { type Principal, makePrincipal } from '../security/principal.ts';
import type { RateLimiter } from '../security/rate-limiter.ts';
import type { TopicRules } from '../security/topic-rules.ts';
import { Connection, type InFlightCall } from './connection.ts';
import { canSee } from './event-visibility.ts';
import { type InboundRequest, decodeFrame, isFailure } from './frame.ts';

export interface IngressLimits {
  max_payload_bytes: number;
  max_in_flight_per_connection: number;
  queue_limit: number;
}

export interface IngressOptions {
  bus: Bus;
  registry: ContractRegistry;
  topicRules: TopicRules;
  rateLimiter: RateLimiter;
  limits: IngressLimits;
  logger: Logger;
}

export interface ConnectOptions {
  principal?: Principal;
  /** Where the client connects from (an IP address), for per-address throttling. */
  source?: string;
  admin?: boolean;
  /** Everything addressed to or subscribed by this connection. */
  onMessage: (envelope: Envelope) => void;
  /** The connection could not take its replies and was closed; the transport should hang up. */
  onOverflow?: () => void;
}

/** Calls from an unauthenticated connection run as this principal: it holds nothing. */
const ANONYMOUS: Principal = makePrincipal('user', 'anonymous', CapabilitySet.of([]));

export class Ingress {
  readonly #options: IngressOptions;
  readonly #connections = new Map<string, Connection>();
  readonly #replier: BusClient;
  #accepting = true;

  constructor(options: IngressOptions) {
    this.#options = options;
    this.#replier = options.bus.connect({ id: `kernel:ingress:${crypto.randomUUID()}`, onMessage: () => {} });
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  get inFlight(): number {
    let total = 0;
    for (const connection of this.#connections.values()) total += connection.inFlight;
    return total;
  }

  connection(id: string): Connection | undefined {
    return this.#connections.get(id);
  }

  connect(options: ConnectOptions): Connection {
    if (!this.#accepting) throw new KernelError('cancelled', 'the kernel is shutting down');
    // Visibility is decided before queuing, so other principals' events never take this client's queue
    // space. Nothing reaches a new bus client before it subscribes or is addressed, which happens only
    // after `connection` below exists.
    const accept = (envelope: Envelope): boolean => canSee(connection.principal, connection.id, envelope);
    const onOverflow = (): void => {
      connection.close();
      options.onOverflow?.();
    };
    const bus = this.#options.bus.connect({ queueLimit: this.#options.limits.queue_limit, onMessage: options.onMessage, accept, onOverflow });
    const connection: Connection = new Connection({
      bus,
      principal: options.principal,
      admin: options.admin === true,
      source: options.source,
      receive: (conn, frame) => this.#accept(conn, frame),
      onClose: (conn) => this.#connections.delete(conn.id),
    });
    this.#connections.set(connection.id, connection);
    return connection;
  }

  /**
   * Stops taking calls, gives those in flight `graceMs` to finish, then answers the rest `cancelled`
   * and closes every connection.
   */
  async drain(graceMs: number): Promise<void> {
    this.#accepting = false;
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const connection of [...this.#connections.values()]) {
      for (const call of connection.cancelAll()) {
        this.#fail(connection, call.topic, call.requestId, new KernelError('cancelled', 'the kernel shut down before the call finished'));
      }
      connection.close();
    }
    this.#replier.close();
  }

  #accept(connection: Connection, frame: string | Uint8Array): void {
    try {
      const decoded = decodeFrame(frame, this.#options.limits.max_payload_bytes);
      if (isFailure(decoded)) {
        this.#fail(connection, decoded.topic, decoded.requestId, decoded.error);
        return;
      }
      this.#admit(connection, decoded);
    } catch (thrown) {
      this.#options.logger.error({ err: thrown }, 'ingress failed on a frame');
      this.#fail(connection, undefined, undefined, toKernelError(thrown));
    }
  }

  #admit(connection: Connection, inbound: InboundRequest): void {
    const { registry, topicRules, rateLimiter, limits } = this.#options;
    const { topic, requestId } = inbound;
    const fail = (error: KernelError): void => this.#fail(connection, topic, requestId, error);
    if (!this.#accepting) return fail(new KernelError('cancelled', 'the kernel is shutting down'));

    const contract = registry.get(topic);
    // A principal whose grants were all revoked (logged out, token revoked, user removed) is no one.
    const ended = connection.principal === undefined || connection.principal.capabilities.isEmpty();
    if (ended && contract?.public !== true) {
      return fail(new KernelError('unauthenticated', 'authenticate first (session cookie or Authorization: Bearer <token>)'));
    }
    const principal = ended ? ANONYMOUS : (connection.principal ?? ANONYMOUS);
    if (!connection.admin) {
      const rule = topicRules.decide(topic);
      if (!rule.allowed) {
        return fail(new KernelError('permission_denied', `topic ${topic} is denied by the operator's topic rules`, { rule: rule.rule ?? 'default deny' }));
      }
    }
    if (connection.isTracking(requestId)) return fail(new KernelError('conflict', `request ${requestId} is already in flight`));
    if (connection.inFlight >= limits.max_in_flight_per_connection) {
      return fail(new KernelError('resource_exceeded', `at most ${limits.max_in_flight_per_connection} calls may be in flight per connection`, {
        limit: limits.max_in_flight_per_connection,
      }));
    }

    let prepared: PreparedCall;
    try {
      prepared = registry.prepare(topic, inbound.payload, principal);
    } catch (thrown) {
      return fail(toKernelError(thrown));
    }
    if (!connection.admin) {
      const taken = rateLimiter.take(principal.id, topic);
      if (!taken.ok) return fail(new KernelError('rate_limited', `rate limit for ${topic} reached`, { resetMs: taken.resetMs }));
    }

    const call = connection.track(requestId, topic);
    const context = { principal, requestId, clientId: connection.id, signal: call.controller.signal };
    registry.invoke(prepared, context).then(
      (reply) => this.#settle(connection, call, reply, undefined),
      (thrown: unknown) => this.#settle(connection, call, undefined, toKernelError(thrown)),
    );
  }

  #settle(connection: Connection, call: InFlightCall, reply: Payload | undefined, error: KernelError | undefined): void {
    // A call already answered `cancelled` (shutdown, connection gone) must not be answered twice.
    if (!connection.finish(call)) return;
    if (error !== undefined) {
      if (error.code === 'internal_error') this.#options.logger.error({ err: error.cause ?? error, topic: call.topic }, 'handler failed');
      this.#fail(connection, call.topic, call.requestId, error);
      return;
    }
    this.#send(connection, ackTopicOf(call.topic), { ...reply, [REQUEST_ID]: call.requestId });
  }

  #fail(connection: Connection, topic: string | undefined, requestId: string | undefined, error: KernelError): void {
    this.#send(connection, topic === undefined ? 'error' : errorTopicOf(topic), error.toPayload(requestId));
  }

  #send(connection: Connection, topic: string, payload: Payload): void {
    if (connection.closed || this.#replier.closed) return;
    try {
      this.#replier.publish(topic, payload, { to: connection.id });
    } catch (thrown) {
      this.#options.logger.warn({ err: thrown, topic }, 'could not deliver a reply');
    }
  }
}
