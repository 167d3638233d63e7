/**
 * The bus contract that every backend implements (DESIGN §4). Backends: InProcessBus (default) and
 * NatsBus (scale-out). Both pass the conformance suite in bus-conformance.ts.
 *
 * Semantics:
 * - A client is one party on the bus (a connection, an agent, a service) with a bus-wide unique id.
 * - Events go to every client whose patterns match the topic; envelopes with `to` go only to that client.
 * - Requests go to the single server of their topic (load-balanced across nodes) and are answered with
 *   an addressed reply on `<topic>:ack` or an addressed error on the derived error topic.
 * - Every client has a bounded queue. Droppable stream events that find it full are dropped, counted and
 *   announced with `bus.dropped`; anything else that finds it full closes the client (replies are never
 *   dropped silently).
 */
import type { Envelope, Payload } from './envelope.ts';
import type { KernelError } from '../contracts/errors.ts';

export type BusBackend = 'inprocess' | 'nats';

export interface PublishOptions {
  /** Address the envelope to one client; no other client receives it. */
  to?: string;
  /** A stream event that may be dropped for a slow consumer. Replies and addressed messages never are. */
  droppable?: boolean;
  /** Stream key: the bus stamps `_stream` and a per-stream `_seq` (1, 2, …) into the payload. */
  stream?: string;
}

export interface RequestOptions {
  timeoutMs?: number;
}

export interface ClientOptions {
  /** Bus-wide unique id; generated when absent. */
  id?: string;
  /** Most envelopes held for this client while it is paused or busy; defaults to the bus's queueLimit. */
  queueLimit?: number;
  onMessage: (envelope: Envelope) => void;
  /** Called once when the client was closed because a non-droppable envelope found its queue full. */
  onOverflow?: () => void;
  /**
   * Decides, before an envelope is queued, whether this client may have it at all. Envelopes it refuses
   * take no queue space, so another party's traffic can never fill (and overflow) this client's queue.
   * Must not throw; a throw counts as a refusal.
   */
  accept?: (envelope: Envelope) => boolean;
}

export interface ClientStats {
  queued: number;
  delivered: number;
  dropped: number;
}

export interface BusClient {
  readonly id: string;
  readonly closed: boolean;
  subscribe(pattern: string): void;
  unsubscribe(pattern: string): void;
  patterns(): readonly string[];
  /** Publishes an event with `from` = this client's id. */
  publish(topic: string, payload?: Payload, options?: PublishOptions): Envelope;
  /** Sends a request to the server of `topic`; resolves with the reply payload or rejects with a KernelError. */
  request(topic: string, payload?: Payload, options?: RequestOptions): Promise<Payload>;
  /** Stops delivery (envelopes queue up to the limit) until resume(). Used for transport backpressure. */
  pause(): void;
  resume(): void;
  stats(): ClientStats;
  /** Removes every subscription; pending requests fail with `cancelled`. Idempotent. */
  close(): void;
}

/** Answers one request. Exactly one of ack/fail takes effect; later calls are ignored. */
export interface Responder {
  readonly request: Envelope;
  ack(payload?: Payload): void;
  fail(error: KernelError): void;
}

export type RequestHandler = (request: Envelope, respond: Responder) => void;

export interface Served {
  close(): void;
}

export interface BusStats {
  backend: BusBackend;
  clients: number;
  subscriptions: number;
  published: number;
  delivered: number;
  dropped: number;
}

export interface Bus {
  readonly backend: BusBackend;
  connect(options: ClientOptions): BusClient;
  /** Serves requests on one exact topic. A second server for a topic on the same node is refused (`conflict`). */
  serve(topic: string, handler: RequestHandler): Served;
  /** Forgets the sequence counter of a finished stream. */
  endStream(stream: string): void;
  stats(): BusStats;
  /**
   * Resolves once every subscription, client and server set up so far is in effect bus-wide, so that a
   * party on another node can reach it (NATS: the server has processed them). Immediate in process.
   */
  flush(): Promise<void>;
  /** Closes every client (pending requests fail with `cancelled`) and releases the backend. */
  close(): Promise<void>;
}

export interface BusLimits {
  /** Default per-client queue limit. */
  queueLimit: number;
  /** Default request timeout. */
  requestTimeoutMs: number;
  /** Most live stream counters kept; the oldest is forgotten beyond it. */
  maxStreams: number;
}

export const DEFAULT_BUS_LIMITS: BusLimits = { queueLimit: 1024, requestTimeoutMs: 30_000, maxStreams: 100_000 };
