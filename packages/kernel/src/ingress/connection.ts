/**
 * One client of the kernel speaking the wire protocol (a WebSocket, a test, later a JSON-RPC socket).
 * It owns a bus client for its subscriptions and addressed replies, and tracks its calls in flight so
 * they can be cancelled when it goes away.
 */
import type { BusClient } from '../bus/bus.ts';
import type { Principal } from '../security/principal.ts';

export interface ConnectionInfo {
  readonly id: string;
  /** Undefined until the transport has authenticated the connection. */
  readonly principal: Principal | undefined;
  /** Presented the operator admin token: bypasses topic rules and rate limits. */
  readonly admin: boolean;
}

export class Connection implements ConnectionInfo {
  readonly bus: BusClient;
  readonly #inFlight = new Map<string, InFlightCall>();
  #principal: Principal | undefined;
  #closed = false;
  readonly admin: boolean;
  readonly source: string | undefined;
  readonly #receive: (connection: Connection, frame: string | Uint8Array) => void;
  readonly #onClose: (connection: Connection) => void;

  constructor(options: {
    bus: BusClient;
    principal: Principal | undefined;
    admin: boolean;
    source: string | undefined;
    receive: (connection: Connection, frame: string | Uint8Array) => void;
    onClose: (connection: Connection) => void;
  }) {
    this.bus = options.bus;
    this.#principal = options.principal;
    this.admin = options.admin;
    this.source = options.source;
    this.#receive = options.receive;
    this.#onClose = options.onClose;
  }

  get id(): string {
    return this.bus.id;
  }

  get principal(): Principal | undefined {
    return this.#principal;
  }

  get closed(): boolean {
    return this.#closed || this.bus.closed;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Binds the connection to who it now acts for (after a login on the connection). */
  authenticate(principal: Principal): void {
    this.#principal = principal;
  }

  /** Feeds one inbound frame; every frame is answered by exactly one reply or error. Never throws. */
  receive(frame: string | Uint8Array): void {
    this.#receive(this, frame);
  }

  /** Registers a call in flight; its signal aborts when the call is cancelled or the connection closes. */
  track(requestId: string, topic: string): InFlightCall {
    const call: InFlightCall = { requestId, topic, controller: new AbortController() };
    this.#inFlight.set(requestId, call);
    return call;
  }

  /** Ends a call; false when it had already been ended (cancelled), so its answer must not be sent. */
  finish(call: InFlightCall): boolean {
    if (this.#inFlight.get(call.requestId) !== call) return false;
    this.#inFlight.delete(call.requestId);
    return true;
  }

  isTracking(requestId: string): boolean {
    return this.#inFlight.has(requestId);
  }

  /** Aborts and forgets every call in flight, returning them so each can be answered `cancelled`. */
  cancelAll(): InFlightCall[] {
    const calls = [...this.#inFlight.values()];
    this.#inFlight.clear();
    for (const call of calls) call.controller.abort();
    return calls;
  }

  /** Idempotent; also run when the bus closed the client for overflowing, so the ingress forgets it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.cancelAll();
    this.bus.close();
    this.#onClose(this);
  }
}

export interface InFlightCall {
  readonly requestId: string;
  readonly topic: string;
  readonly controller: AbortController;
}
