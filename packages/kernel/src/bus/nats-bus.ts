/**
 * The scale-out bus (DESIGN §1.6, §10): every kernel node keeps its own clients in a LocalRouter, exactly
 * as InProcessBus does, and NATS carries envelopes between nodes (subjects in nats-subjects.ts).
 *
 * - Events go to this node's subscribers directly and once to NATS for the other nodes (coalesced per
 *   tick: nats-batcher.ts; `noEcho` keeps a node's own traffic from coming back). Every node subscribes
 *   to all event subjects of the bus (`<prefix>.ev.>`, `<prefix>.ds.>`) and matches locally, skipping
 *   the decode when no local pattern wants the topic (read from the subject). Why not subscribe by
 *   interest: `subscribe()` is synchronous and must take effect for events from every node at once, but
 *   a NATS SUB reaches the server (and a cluster) later, so events would be missed in that window, and
 *   overlapping patterns would make NATS deliver one event twice. Kernel nodes are replicas whose
 *   clients want much the same topics, so most events are wanted everywhere anyway.
 * - Addressed envelopes (`to`, replies included) go straight to a local addressee, else to
 *   `<prefix>.to.<client>`, which each client's node subscribes to for the client's lifetime (client
 *   ids are chosen freely, so they cannot encode a node; one SUB per client is cheap for NATS).
 * - `serve(topic)` is a queue subscription: one server across all nodes gets each request. A local server
 *   is preferred. A request is published with a per-request reply subject that only NATS's
 *   "no responders" status ever reaches, so a request nobody serves fails at once with `not_found`.
 * - Per-client queues, droppable events, overflow and sequence numbers are LocalClient's, as in process.
 *   Stream sequence numbers are kept by the publishing node: a stream has one producer.
 */
import { type Msg, type NatsConnection, NatsConnectionImpl, type Subscription, connect } from '@nats-io/transport-node';
import { KernelError, toKernelError } from '../contracts/errors.ts';
import { type Bus, type BusClient, type BusLimits, type BusStats, type ClientOptions, DEFAULT_BUS_LIMITS, type RequestHandler, type Served } from './bus.ts';
import { type Envelope, REQUEST_ID, newId, requestIdOf } from './envelope.ts';
import { type ClientHost, LocalClient } from './local-client.ts';
import { LocalRouter } from './local-router.ts';
import { NatsSubjects, SERVER_QUEUE } from './nats-subjects.ts';
import { NatsBatcher } from './nats-batcher.ts';
import { decodeEnvelope, decodeEnvelopes, encodeEnvelope, publishFailure } from './nats-wire.ts';
import { errorEnvelope, makeResponder } from './responder.ts';
import { StreamSequencer } from './sequencer.ts';
import { ackTopicOf, assertTopic } from './topics.ts';

export interface NatsBusOptions {
  /** `nats://host:port`, or several separated by commas. */
  url: string;
  /** First subject tokens of everything this bus sends; nodes of one bus share it. Default `aether`. */
  subjectPrefix?: string;
  limits?: Partial<BusLimits>;
  /** Connection name shown by NATS monitoring. */
  name?: string;
}

export class NatsBus implements Bus {
  readonly backend = 'nats' as const;
  /** This node's id on the bus (part of its reply subjects). */
  readonly nodeId = newId();
  readonly subjects: NatsSubjects;
  readonly #nc: NatsConnection;
  readonly #router = new LocalRouter();
  /** Local servers by topic: for conflicts and for serving this node's own requests. */
  readonly #servers = new Map<string, RequestHandler>();
  /** Handlers by NATS subscription id: a closed server's subscription drains, still served, before it goes. */
  readonly #handlers = new Map<number, RequestHandler>();
  readonly #addressed = new Map<string, Subscription>();
  readonly #sequencer: StreamSequencer;
  readonly #host: ClientHost;
  readonly #batcher: NatsBatcher;
  #published = 0;
  #closing: Promise<void> | undefined;

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: options.url.split(','), name: options.name ?? 'aether-kernel', noEcho: true, maxReconnectAttempts: -1 });
    } catch (thrown) {
      throw new KernelError('internal_error', `cannot connect to NATS at ${options.url}`, undefined, { cause: thrown });
    }
    try {
      const bus = new NatsBus(nc, options);
      await nc.flush();
      return bus;
    } catch (thrown) {
      await nc.close();
      throw thrown;
    }
  }

  private constructor(nc: NatsConnection, options: NatsBusOptions) {
    this.#nc = nc;
    this.#batcher = new NatsBatcher(nc);
    this.subjects = new NatsSubjects(options.subjectPrefix ?? 'aether', this.nodeId);
    const { queueLimit, requestTimeoutMs, maxStreams } = { ...DEFAULT_BUS_LIMITS, ...options.limits };
    this.#sequencer = new StreamSequencer(maxStreams);
    this.#host = {
      router: this.#router,
      queueLimit,
      requestTimeoutMs,
      nextSequence: (stream) => this.#sequencer.next(stream),
      sendEvent: (envelope, droppable) => this.#sendEvent(envelope, droppable),
      sendRequest: (envelope) => this.#sendRequest(envelope),
      patternAdded: () => {},
      patternRemoved: () => {},
      clientClosed: (client) => this.#clientClosed(client),
    };
    nc.subscribe(this.subjects.allEvents, { callback: this.#onEvent });
    nc.subscribe(this.subjects.allDroppable, { callback: this.#onDroppable });
    nc.subscribe(this.subjects.allNoResponders, { callback: this.#onNoResponders });
    // A connection that is gone for good (not merely reconnecting) leaves no client waiting on it.
    void nc.closed().then(() => this.close());
  }

  connect(options: ClientOptions): BusClient {
    this.#assertOpen();
    const client = new LocalClient(this.#host, options);
    if (this.#router.has(client.id)) throw new KernelError('conflict', `bus client ${client.id} is already connected`);
    this.#addressed.set(client.id, this.#nc.subscribe(this.subjects.to(client.id), { callback: this.#onAddressed }));
    this.#router.add(client);
    return client;
  }

  serve(topic: string, handler: RequestHandler): Served {
    assertTopic(topic);
    this.#assertOpen();
    if (this.#servers.has(topic)) throw new KernelError('conflict', `topic ${topic} already has a server`);
    const subscription = this.#nc.subscribe(this.subjects.request(topic), { queue: SERVER_QUEUE, callback: this.#onRequest });
    const sid = subscription.getID();
    this.#servers.set(topic, handler);
    this.#handlers.set(sid, handler);
    let open = true;
    return {
      close: () => {
        if (!open) return;
        open = false;
        if (this.#servers.get(topic) === handler) this.#servers.delete(topic);
        // Requests NATS already routed here still arrive while the subscription drains, and are served.
        subscription
          .drain()
          .catch(() => {})
          .finally(() => this.#handlers.delete(sid));
      },
    };
  }

  endStream(stream: string): void {
    this.#sequencer.end(stream);
  }

  stats(): BusStats {
    return this.#router.stats(this.backend, this.#published);
  }

  /** Live NATS subscriptions of this node's connection, as the NATS client counts them. */
  natsSubscriptionCount(): number {
    return this.#nc instanceof NatsConnectionImpl ? this.#nc.protocol.subscriptions.size() : Number.NaN;
  }

  async flush(): Promise<void> {
    this.#batcher.flush();
    if (this.#closing === undefined) await this.#nc.flush();
  }

  /** Closes every client (pending requests fail with `cancelled`), then drains the NATS connection. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    for (const client of this.#router.snapshot()) client.close();
    // Requests NATS already routed to this node are still served while the connection drains.
    this.#servers.clear();
    this.#batcher.flush();
    if (!this.#nc.isClosed()) await this.#nc.drain().catch(() => {});
    this.#handlers.clear();
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new KernelError('cancelled', 'the bus is closed');
  }

  #sendEvent(envelope: Envelope, droppable: boolean): void {
    this.#published++;
    const to = envelope.to;
    if (to !== undefined && this.#router.has(to)) {
      this.#router.route(envelope, droppable);
      return;
    }
    if (this.#nc.isClosed()) throw new KernelError('cancelled', 'the bus is closed');
    if (to !== undefined) {
      try {
        this.#publishOne(this.subjects.to(to), envelope);
      } catch (thrown) {
        throw publishFailure(thrown);
      }
      return;
    }
    this.#batcher.add(this.subjects.event(envelope.topic, droppable), JSON.stringify(envelope));
    this.#router.route(envelope, droppable);
  }

  /** Publishes one envelope on its own, after any events gathered before it (so order is kept). */
  #publishOne(subject: string, envelope: Envelope, reply?: string): void {
    this.#batcher.flush();
    this.#nc.publish(subject, encodeEnvelope(envelope), reply === undefined ? undefined : { reply });
  }

  #sendRequest(request: Envelope): void {
    const local = this.#servers.get(request.topic);
    if (local !== undefined) {
      this.#dispatch(request, local);
      return;
    }
    const reply = this.subjects.noResponders(request.from, requestIdOf(request) ?? 'none');
    try {
      this.#publishOne(this.subjects.request(request.topic), request, reply);
    } catch (thrown) {
      this.#router.route(errorEnvelope(request, publishFailure(thrown)), false);
    }
  }

  /** Runs a handler on a later tick, as a remote server would, and sends its one answer to the requester. */
  #dispatch(request: Envelope, handler: RequestHandler): void {
    queueMicrotask(() => {
      const respond = makeResponder(request, (answer) => this.#answer(request, answer));
      try {
        handler(request, respond);
      } catch (thrown) {
        respond.fail(toKernelError(thrown));
      }
    });
  }

  #answer(request: Envelope, answer: Envelope): void {
    if (answer.to !== undefined && this.#router.has(answer.to)) {
      this.#router.route(answer, false);
      return;
    }
    try {
      this.#publishOne(this.subjects.to(request.from), answer);
    } catch (thrown) {
      // The requester must still hear something: an answer too large for NATS becomes its error. (Any
      // other failure means the connection is gone; the requester's timeout or close answers it.)
      const failure = publishFailure(thrown);
      if (failure.code === 'payload_too_large' && answer.topic === ackTopicOf(request.topic)) this.#answer(request, errorEnvelope(request, failure));
    }
  }

  #clientClosed(client: LocalClient): void {
    this.#router.remove(client);
    // The NATS client ignores unsubscribing on a closed connection, so this cannot throw.
    this.#addressed.get(client.id)?.unsubscribe();
    this.#addressed.delete(client.id);
  }

  // NATS callbacks: created once. Routing never throws (LocalClient shields its callbacks); a throw from
  // here would land in the NATS client's parser.

  readonly #onEvent = (error: Error | null, msg: Msg): void => {
    if (error === null) this.#receiveEvent(msg, false);
  };

  readonly #onDroppable = (error: Error | null, msg: Msg): void => {
    if (error === null) this.#receiveEvent(msg, true);
  };

  #receiveEvent(msg: Msg, droppable: boolean): void {
    if (!this.#router.wants(this.subjects.eventTopic(msg.subject))) return;
    for (const envelope of decodeEnvelopes(msg.data)) {
      if (envelope.to === undefined) this.#router.route(envelope, droppable);
    }
  }

  readonly #onAddressed = (error: Error | null, msg: Msg): void => {
    const envelope = error === null ? decodeEnvelope(msg.data) : undefined;
    if (envelope?.to !== undefined) this.#router.route(envelope, false);
  };

  readonly #onRequest = (error: Error | null, msg: Msg): void => {
    const request = error === null ? decodeEnvelope(msg.data) : undefined;
    if (request === undefined) return;
    const handler = this.#handlers.get(msg.sid);
    if (handler !== undefined) this.#dispatch(request, handler);
    else this.#answer(request, errorEnvelope(request, new KernelError('not_found', `no server for topic ${request.topic}`)));
  };

  readonly #onNoResponders = (error: Error | null, msg: Msg): void => {
    if (error !== null || msg.data.length !== 0) return;
    try {
      if (msg.headers?.code !== 503) return;
    } catch {
      return; // unreadable headers: not a status from the server
    }
    const target = this.subjects.parseNoResponders(msg.subject);
    const topic = target && this.#router.get(target.clientId)?.pendingTopic(target.requestId);
    if (target === undefined || topic === undefined) return;
    const request = { topic, from: target.clientId, payload: { [REQUEST_ID]: target.requestId } };
    this.#router.route(errorEnvelope(request, new KernelError('not_found', `no server for topic ${topic}`)), false);
  };
}
