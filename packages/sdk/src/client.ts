/**
 * The Aether client for browsers and Node: requests with correlated replies, subscriptions, and a
 * connection that heals itself. On a drop it reconnects with exponential backoff and full jitter, then
 * re-subscribes every pattern with `bus.resume`, handing the daemon each stream's cursor so missed
 * stream events are replayed (duplicates are recognised by `_seq` and dropped). Requests already sent on
 * a connection that drops fail at once with `timeout` (details.reason "disconnected"): whether they took
 * effect is unknown, so retrying is the caller's decision. Requests made while reconnecting wait for
 * the connection, within their own timeout.
 */
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import type { ContractTopic, ReplyOf, RequestOf } from './contracts.generated.ts';
import { StreamCursors } from './cursors.ts';
import { AetherError } from './errors.ts';
import { OPEN, type WebSocketFactory, type WebSocketLike, platformWebSocket, wsUrlOf } from './socket.ts';
import { ackTopicOf, errorTopicOf, matchesPattern } from './topics.ts';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface Envelope {
  id: string;
  topic: string;
  from: string;
  to?: string;
  payload?: Record<string, unknown>;
  time: string;
}

export interface AetherClientOptions {
  /** The daemon (`http://127.0.0.1:7700`) or its WebSocket endpoint (`ws://…/ws`). */
  url: string;
  /** An API token or login token (Node); browsers authenticate with their session cookie instead. */
  token?: string;
  /** Default request timeout. 30 s. */
  requestTimeoutMs?: number;
  /** Reconnect policy, or false to stay closed after a drop. */
  reconnect?: BackoffOptions | false;
  webSocket?: WebSocketFactory;
  /** Random numbers in [0, 1) for jitter; injectable for tests. */
  random?: () => number;
  onStateChange?: (state: ConnectionState) => void;
}

export interface RequestOptions {
  /** Milliseconds; the request fails with `timeout` after it. */
  timeout?: number;
}

export type EventHandler = (envelope: Envelope) => void;

export interface SubscribeOptions {
  /** Told when events of a stream were missed for good (older than the daemon keeps). */
  onGap?: (stream: string) => void;
}

export interface Subscription {
  readonly pattern: string;
  unsubscribe(): Promise<void>;
}

interface Pending {
  readonly topic: string;
  readonly frame: string;
  readonly resolve: (reply: Record<string, unknown>) => void;
  readonly reject: (error: AetherError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

interface Listener {
  readonly handler: EventHandler;
  readonly onGap: ((stream: string) => void) | undefined;
}

/** Most `bus.resume` rounds one pattern takes to catch up before it settles for what it has. */
const MAX_RESUME_ROUNDS = 64;

export class AetherClient {
  readonly #options: AetherClientOptions;
  readonly #url: string;
  readonly #pending = new Map<string, Pending>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #cursors = new StreamCursors();
  #socket: WebSocketLike | undefined;
  #state: ConnectionState = 'connecting';
  #attempt = 0;
  #everOpened = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #first: { resolve: () => void; reject: (error: AetherError) => void } | undefined;

  private constructor(options: AetherClientOptions) {
    this.#options = options;
    this.#url = wsUrlOf(options.url);
  }

  /** Opens a connection; rejects with `connection_failed` when the first attempt does not open. */
  static connect(options: AetherClientOptions): Promise<AetherClient> {
    const client = new AetherClient(options);
    return new Promise((resolve, reject) => {
      client.#first = { resolve: () => resolve(client), reject };
      client.#dial();
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Calls a contract and resolves with its reply, or rejects with an AetherError carrying the wire code. */
  request<T extends ContractTopic>(topic: T, payload: RequestOf<T>, options?: RequestOptions): Promise<ReplyOf<T>>;
  request(topic: string, payload?: Record<string, unknown>, options?: RequestOptions): Promise<Record<string, unknown>>;
  request(topic: string, payload: object = {}, options: RequestOptions = {}): Promise<Record<string, unknown>> {
    if (this.#state === 'closed') return Promise.reject(new AetherError('closed', 'the client is closed'));
    const id = crypto.randomUUID();
    const timeoutMs = options.timeout ?? this.#options.requestTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AetherError('timeout', `no reply to ${topic} within ${timeoutMs} ms`, { timeoutMs }));
      }, timeoutMs);
      const frame = JSON.stringify({ topic, payload: { ...payload, _request_id: id } });
      this.#pending.set(id, { topic, frame, resolve, reject, timer, sent: false });
      if (this.#socket?.readyState === OPEN) this.#send(id);
    });
  }

  /** Calls `handler` with every event whose topic matches `pattern`, from now on and across reconnects. */
  async subscribe(pattern: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    let listeners = this.#listeners.get(pattern);
    const first = listeners === undefined;
    listeners ??= new Set();
    this.#listeners.set(pattern, listeners);
    const listener: Listener = { handler, onGap: options.onGap };
    listeners.add(listener);
    const remove = (): boolean => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.#listeners.get(pattern) !== listeners) return false;
      this.#listeners.delete(pattern);
      return true;
    };
    if (first) {
      try {
        await this.#resume(pattern);
      } catch (thrown) {
        remove();
        throw thrown;
      }
    }
    return {
      pattern,
      unsubscribe: async () => {
        if (remove() && this.#state === 'open') await this.request('bus.unsubscribe', { pattern });
      },
    };
  }

  /** Closes for good; pending requests fail with `closed`. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    clearTimeout(this.#reconnectTimer);
    this.#failPending(() => true, () => new AetherError('closed', 'the client was closed before the reply arrived'));
    this.#socket?.close(1000, 'client closed');
    this.#socket = undefined;
  }

  #dial(): void {
    const headers: Record<string, string> = this.#options.token === undefined ? {} : { authorization: `Bearer ${this.#options.token}` };
    let socket: WebSocketLike;
    try {
      socket = (this.#options.webSocket ?? platformWebSocket)(this.#url, headers);
    } catch (thrown) {
      this.#dropped(thrown instanceof Error ? thrown.message : 'cannot open a WebSocket');
      return;
    }
    this.#socket = socket;
    socket.onopen = () => this.#opened();
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#dropped(`closed with ${event.code}${event.reason === '' ? '' : ` (${event.reason})`}`);
    };
  }

  #opened(): void {
    if (this.#state === 'closed') return;
    this.#attempt = 0;
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    this.#setState('open');
    for (const [id, pending] of this.#pending) if (!pending.sent) this.#send(id);
    if (reconnected) for (const pattern of this.#listeners.keys()) void this.#resume(pattern).catch(() => {});
    this.#first?.resolve();
    this.#first = undefined;
  }

  #dropped(why: string): void {
    this.#failPending((p) => p.sent, () => new AetherError('timeout', `the connection dropped before the reply arrived (${why})`, { reason: 'disconnected' }));
    if (this.#state === 'closed') return;
    if (!this.#everOpened || this.#options.reconnect === false) {
      const error = new AetherError('connection_failed', `could not keep a connection to ${this.#url} (${why}); check that aetherd runs (aether status), the URL and the token`);
      this.#first?.reject(error);
      this.#first = undefined;
      this.#setState('closed');
      this.#failPending(() => true, () => error);
      return;
    }
    this.#setState('reconnecting');
    const delay = backoffDelay(this.#attempt++, this.#options.reconnect, this.#options.random);
    this.#reconnectTimer = setTimeout(() => this.#dial(), delay);
  }

  #send(id: string): void {
    const pending = this.#pending.get(id);
    if (pending === undefined || this.#socket === undefined) return;
    pending.sent = true;
    this.#socket.send(pending.frame);
  }

  #receive(data: unknown): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(typeof data === 'string' ? data : String(data)) as Envelope;
    } catch {
      return;
    }
    if (typeof envelope !== 'object' || envelope === null || typeof envelope.topic !== 'string') return;
    const payload = envelope.payload ?? {};
    const id = payload._request_id;
    const pending = typeof id === 'string' ? this.#pending.get(id) : undefined;
    if (pending !== undefined && typeof id === 'string') {
      if (envelope.topic === ackTopicOf(pending.topic)) return this.#settle(id, pending, payload, undefined);
      if (envelope.topic === errorTopicOf(pending.topic)) {
        return this.#settle(id, pending, undefined, AetherError.fromPayload(payload) ?? new AetherError('internal_error', 'malformed error reply'));
      }
    }
    const stream = payload._stream;
    const seq = payload._seq;
    if (typeof stream === 'string' && typeof seq === 'number' && !this.#cursors.advance(stream, seq, envelope.topic)) return;
    for (const [pattern, listeners] of this.#listeners) {
      if (!matchesPattern(pattern, envelope.topic)) continue;
      for (const { handler } of listeners) {
        try {
          handler(envelope);
        } catch {
          // A handler's failure is its own.
        }
      }
    }
  }

  #settle(id: string, pending: Pending, payload: Record<string, unknown> | undefined, error: AetherError | undefined): void {
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    if (error !== undefined) return pending.reject(error);
    const { _request_id: _id, ...reply } = payload ?? {};
    pending.resolve(reply);
  }

  /** Subscribes (again) to `pattern`, replaying what its streams missed; falls back to `bus.subscribe`. */
  async #resume(pattern: string): Promise<void> {
    for (let round = 0; round < MAX_RESUME_ROUNDS; round++) {
      let reply: Record<string, unknown>;
      try {
        reply = await this.request('bus.resume', { pattern, cursors: this.#cursors.for(pattern) });
      } catch (thrown) {
        if (thrown instanceof AetherError && thrown.code === 'not_found') {
          await this.request('bus.subscribe', { pattern });
          return;
        }
        throw thrown;
      }
      const gaps = Array.isArray(reply.gaps) ? reply.gaps.filter((s): s is string => typeof s === 'string') : [];
      for (const stream of gaps) for (const { onGap } of this.#listeners.get(pattern) ?? []) onGap?.(stream);
      if (!Array.isArray(reply.more) || reply.more.length === 0) return;
    }
  }

  #failPending(which: (pending: Pending) => boolean, error: () => AetherError): void {
    for (const [id, pending] of this.#pending) {
      if (!which(pending)) continue;
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(error());
    }
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#options.onStateChange?.(state);
  }
}
