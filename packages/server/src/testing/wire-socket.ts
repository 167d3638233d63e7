/**
 * A WebSocket test client on the `ws` library (it can set headers and Origin, and stop reading):
 * sends frames, collects every envelope, and resolves requests with their correlated answer.
 */
import type { Envelope, Payload } from '@aether/kernel';
import WebSocket from 'ws';

export class WireSocket {
  readonly socket: WebSocket;
  readonly received: Envelope[] = [];
  readonly #waiters = new Map<string, (envelope: Envelope) => void>();
  readonly #watchers = new Set<() => void>();
  #counter = 0;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
      const envelope = JSON.parse(text) as Envelope;
      this.received.push(envelope);
      const id = envelope.payload?._request_id;
      if (typeof id === 'string') this.#waiters.get(id)?.(envelope);
      for (const watcher of this.#watchers) watcher();
    });
  }

  /** Opens a socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, headers: Record<string, string> = {}): Promise<WireSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers, perMessageDeflate: false });
      socket.once('open', () => resolve(new WireSocket(socket)));
      socket.once('unexpected-response', (_request, response) => {
        reject(new UpgradeRefused(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  nextId(): string {
    return `r${++this.#counter}`;
  }

  /** Sends a request and waits for the envelope that answers it. */
  call(topic: string, payload: Payload = {}): Promise<Envelope> {
    const requestId = this.nextId();
    const answered = this.waitFor(requestId);
    this.send({ topic, payload: { ...payload, _request_id: requestId } });
    return answered;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  waitFor(requestId: string): Promise<Envelope> {
    return new Promise((resolve) => {
      this.#waiters.set(requestId, (envelope) => {
        this.#waiters.delete(requestId);
        resolve(envelope);
      });
    });
  }

  /** Resolves once `predicate` holds over what has been received. */
  until(predicate: (received: readonly Envelope[]) => boolean): Promise<void> {
    if (predicate(this.received)) return Promise.resolve();
    return new Promise((resolve) => {
      const watcher = (): void => {
        if (!predicate(this.received)) return;
        this.#watchers.delete(watcher);
        resolve();
      };
      this.#watchers.add(watcher);
    });
  }

  closed(): Promise<number> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve(0);
    return new Promise((resolve) => this.socket.once('close', (code) => resolve(code)));
  }

  close(): Promise<number> {
    const done = this.closed();
    this.socket.close();
    return done;
  }
}

export class UpgradeRefused extends Error {
  readonly status: number;

  constructor(status: number) {
    super(`websocket upgrade refused with HTTP ${status}`);
    this.status = status;
  }
}
