/**
 * The embedded bus: everything stays in this process. Default backend (DESIGN §1.6).
 */
import { KernelError, toKernelError } from '../contracts/errors.ts';
import { type Bus, type BusClient, type BusLimits, type BusStats, type ClientOptions, DEFAULT_BUS_LIMITS, type RequestHandler, type Served } from './bus.ts';
import type { Envelope } from './envelope.ts';
import { type ClientHost, LocalClient } from './local-client.ts';
import { LocalRouter } from './local-router.ts';
import { errorEnvelope, makeResponder } from './responder.ts';
import { StreamSequencer } from './sequencer.ts';
import { assertTopic } from './topics.ts';

export class InProcessBus implements Bus {
  readonly backend = 'inprocess' as const;
  readonly #router = new LocalRouter();
  readonly #servers = new Map<string, RequestHandler>();
  readonly #sequencer: StreamSequencer;
  readonly #host: ClientHost;
  #published = 0;

  constructor(limits: Partial<BusLimits> = {}) {
    const { queueLimit, requestTimeoutMs, maxStreams } = { ...DEFAULT_BUS_LIMITS, ...limits };
    this.#sequencer = new StreamSequencer(maxStreams);
    this.#host = {
      router: this.#router,
      queueLimit,
      requestTimeoutMs,
      nextSequence: (stream) => this.#sequencer.next(stream),
      sendEvent: (envelope, droppable) => {
        this.#published++;
        this.#router.route(envelope, droppable);
      },
      sendRequest: (envelope) => this.#dispatch(envelope),
      patternAdded: () => {},
      patternRemoved: () => {},
      clientClosed: (client) => this.#router.remove(client),
    };
  }

  connect(options: ClientOptions): BusClient {
    const client = new LocalClient(this.#host, options);
    if (this.#router.has(client.id)) throw new KernelError('conflict', `bus client ${client.id} is already connected`);
    this.#router.add(client);
    return client;
  }

  serve(topic: string, handler: RequestHandler): Served {
    assertTopic(topic);
    if (this.#servers.has(topic)) throw new KernelError('conflict', `topic ${topic} already has a server`);
    this.#servers.set(topic, handler);
    return {
      close: () => {
        if (this.#servers.get(topic) === handler) this.#servers.delete(topic);
      },
    };
  }

  endStream(stream: string): void {
    this.#sequencer.end(stream);
  }

  stats(): BusStats {
    return this.#router.stats(this.backend, this.#published);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    for (const client of this.#router.snapshot()) client.close();
    this.#servers.clear();
    await Promise.resolve();
  }

  #dispatch(request: Envelope): void {
    const send = (envelope: Envelope): void => this.#router.route(envelope, false);
    const handler = this.#servers.get(request.topic);
    if (handler === undefined) {
      send(errorEnvelope(request, new KernelError('not_found', `no server for topic ${request.topic}`)));
      return;
    }
    // Answer on a later tick, as a remote server would: callers never see a reply before request() returns.
    queueMicrotask(() => {
      const respond = makeResponder(request, send);
      try {
        handler(request, respond);
      } catch (thrown) {
        respond.fail(toKernelError(thrown));
      }
    });
  }
}
