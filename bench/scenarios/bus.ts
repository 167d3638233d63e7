/**
 * `bus`: publish→deliver throughput and request/reply latency of both bus backends, each next to its
 * baseline in the same run (DESIGN §11):
 * - InProcessBus against a bare EventEmitter delivering the same envelopes (built per message with
 *   makeEnvelope, as any producer of envelopes must) to the same number of listeners;
 * - NatsBus (two nodes: publisher on one, subscriber on the other) against raw nats.js publishing the
 *   same bytes (a JSON-encoded envelope) from one connection to a subscriber on another that decodes
 *   them; request/reply likewise against `nc.request` answered by a raw responder.
 * Each pair is measured in alternating rounds after a warm-up round; figures and ratios are medians.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { InProcessBus } from '../../packages/kernel/src/bus/in-process-bus.ts';
import type { Bus } from '../../packages/kernel/src/bus/bus.ts';
import { type Envelope, makeEnvelope } from '../../packages/kernel/src/bus/envelope.ts';
import { NatsBus } from '../../packages/kernel/src/bus/nats-bus.ts';
import { TEST_NATS_URL } from '../../packages/kernel/src/testing/services.ts';
import { type Report, type Scenario, percentile, throughput } from '../scenario.ts';

const NATS_URL = process.env.AETHER_NATS_URL ?? TEST_NATS_URL;
const ROUNDS = 5;
const TOPIC = 'vm.stdout';
const PAYLOAD = { vm: 'vm-42', data: 'compiling src/index.ts\n' };
const SUBSCRIBERS = 4;
const BATCH = 2_000;
const ROUND_MS = 300;

const median = (values: readonly number[]): number => percentile(values, 50);

/** Runs `ours` and `baseline` in alternating rounds (after one warm-up round of each); returns their medians. */
async function paired(ours: () => Promise<number>, baseline: () => Promise<number>): Promise<{ ours: number; baseline: number; ratio: number }> {
  await ours();
  await baseline();
  const samples = { ours: [] as number[], baseline: [] as number[], ratio: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first so that drift (GC, CPU frequency) does not favour one side.
    let oursValue: number;
    let baselineValue: number;
    if (round % 2 === 0) {
      oursValue = await ours();
      baselineValue = await baseline();
    } else {
      baselineValue = await baseline();
      oursValue = await ours();
    }
    samples.ours.push(oursValue);
    samples.baseline.push(baselineValue);
    samples.ratio.push(oursValue / baselineValue);
  }
  return { ours: median(samples.ours), baseline: median(samples.baseline), ratio: median(samples.ratio) };
}

async function inProcessThroughput(report: Report): Promise<void> {
  const bus = new InProcessBus({ queueLimit: BATCH * 2 });
  let delivered = 0;
  const count = (): void => void delivered++;
  for (let i = 0; i < SUBSCRIBERS; i++) bus.connect({ onMessage: count }).subscribe(TOPIC);
  const publisher = bus.connect({ onMessage: () => {} });
  const emitter = new EventEmitter();
  for (let i = 0; i < SUBSCRIBERS; i++) emitter.on(TOPIC, (_envelope: Envelope) => void delivered++);

  const result = await paired(
    () =>
      throughput(ROUND_MS, BATCH, () => {
        for (let i = 0; i < BATCH; i++) publisher.publish(TOPIC, PAYLOAD);
      }),
    () =>
      throughput(ROUND_MS, BATCH, () => {
        for (let i = 0; i < BATCH; i++) emitter.emit(TOPIC, makeEnvelope(TOPIC, publisher.id, PAYLOAD));
      }),
  );
  const prebuilt = makeEnvelope(TOPIC, publisher.id, PAYLOAD);
  const bare = await throughput(ROUND_MS, BATCH, () => {
    for (let i = 0; i < BATCH; i++) emitter.emit(TOPIC, prebuilt);
  });
  if (delivered === 0) throw new Error('nothing was delivered');
  report.note(`in-process: 1 publisher → ${SUBSCRIBERS} subscribers of one topic; msgs/s are publishes (each delivered ${SUBSCRIBERS}×)`);
  report.figure('inprocess_publish_deliver', Math.round(result.ours), 'msgs/s');
  report.figure('eventemitter_publish_deliver', Math.round(result.baseline), 'msgs/s');
  report.figure('eventemitter_prebuilt_envelope', Math.round(bare), 'msgs/s');
  report.ratio('inprocess_vs_eventemitter', result.ratio);
  await bus.close();
}

/** Sequential request latencies in microseconds. */
async function latencies(count: number, request: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await request();
    samples.push((performance.now() - start) * 1000);
  }
  return samples;
}

async function inProcessRequests(report: Report): Promise<void> {
  const bus = new InProcessBus();
  bus.serve('bench.echo', (request, respond) => respond.ack(request.payload));
  const client = bus.connect({ onMessage: () => {} });
  await latencies(2_000, () => client.request('bench.echo', PAYLOAD));
  const samples = await latencies(20_000, () => client.request('bench.echo', PAYLOAD));
  report.figure('inprocess_request_p50', percentile(samples, 50), 'µs');
  report.figure('inprocess_request_p99', percentile(samples, 99), 'µs');
  await bus.close();
}

/** Resolves when `target` deliveries have been counted. */
class Counter {
  count = 0;
  #target = Infinity;
  #done: (() => void) | undefined;

  readonly hit = (): void => {
    if (++this.count === this.#target) this.#done?.();
  };

  async measure(send: () => void): Promise<void> {
    this.count = 0;
    this.#target = BATCH;
    const done = new Promise<void>((resolve) => (this.#done = resolve));
    send();
    await done;
  }
}

async function natsThroughput(report: Report, nodes: [NatsBus, NatsBus], raw: [NatsConnection, NatsConnection], prefix: string): Promise<void> {
  const [a, b] = nodes;
  const ours = new Counter();
  b.connect({ onMessage: ours.hit, queueLimit: BATCH * 2 }).subscribe(TOPIC);
  await b.flush();
  const publisher = a.connect({ onMessage: () => {} });

  const [pub, sub] = raw;
  const base = new Counter();
  const rawSubject = `${prefix}.raw.${TOPIC}`;
  sub.subscribe(rawSubject, {
    callback: (error, msg) => {
      if (error === null && msg.json<Envelope>().topic === TOPIC) base.hit();
    },
  });
  await sub.flush();
  const bytes = new TextEncoder().encode(JSON.stringify(makeEnvelope(TOPIC, publisher.id, PAYLOAD)));

  const result = await paired(
    () =>
      throughput(ROUND_MS, BATCH, () =>
        ours.measure(() => {
          for (let i = 0; i < BATCH; i++) publisher.publish(TOPIC, PAYLOAD);
        }),
      ),
    () =>
      throughput(ROUND_MS, BATCH, () =>
        base.measure(() => {
          for (let i = 0; i < BATCH; i++) pub.publish(rawSubject, bytes);
        }),
      ),
  );
  report.note(`NATS: publisher on one node/connection → 1 subscriber on another; ${bytes.length}-byte envelopes; bursts of ${BATCH}`);
  report.note('NatsBus coalesces the events of one tick per subject into one NATS message; raw nats.js publishes each');
  report.figure('nats_publish_deliver', Math.round(result.ours), 'msgs/s');
  report.figure('raw_nats_publish_deliver', Math.round(result.baseline), 'msgs/s');
  report.ratio('nats_vs_raw_nats', result.ratio);
}

async function natsRequests(report: Report, nodes: [Bus, Bus], raw: [NatsConnection, NatsConnection], prefix: string): Promise<void> {
  const [a, b] = nodes;
  b.serve('bench.echo', (request, respond) => respond.ack(request.payload));
  await b.flush();
  const client = a.connect({ onMessage: () => {} });
  const [requester, responder] = raw;
  const rawSubject = `${prefix}.raw.echo`;
  responder.subscribe(rawSubject, { callback: (error, msg) => void (error === null && msg.respond(msg.data)) });
  await responder.flush();
  const bytes = new TextEncoder().encode(JSON.stringify(makeEnvelope('bench.echo', client.id, PAYLOAD)));
  const perRound = 1_000;
  const rounds = { ours: [] as number[][], raw: [] as number[][] };
  await latencies(200, () => client.request('bench.echo', PAYLOAD));
  await latencies(200, async () => (await requester.request(rawSubject, bytes, { timeout: 5_000 })).json());
  const oursRound = async (): Promise<void> => void rounds.ours.push(await latencies(perRound, () => client.request('bench.echo', PAYLOAD)));
  const rawRound = async (): Promise<void> =>
    void rounds.raw.push(await latencies(perRound, async () => (await requester.request(rawSubject, bytes, { timeout: 5_000 })).json()));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first so that drift does not favour one side.
    if (round % 2 === 0) {
      await oursRound();
      await rawRound();
    } else {
      await rawRound();
      await oursRound();
    }
  }
  for (const p of [50, 99]) {
    const ours = median(rounds.ours.map((samples) => percentile(samples, p)));
    const base = median(rounds.raw.map((samples) => percentile(samples, p)));
    report.figure(`nats_request_p${p}`, ours, 'µs');
    report.figure(`raw_nats_request_p${p}`, base, 'µs');
    report.ratio(`nats_request_p${p}_vs_raw_nats`, base / ours);
  }
  report.note('request ratios are raw latency ÷ ours (higher is better)');
}

const scenario: Scenario = {
  name: 'bus',
  description: 'bus publish→deliver throughput and request/reply latency: in-process vs EventEmitter, NATS vs raw nats.js',
  async run(report) {
    await inProcessThroughput(report);
    await inProcessRequests(report);
    const prefix = `bench.${randomUUID().replaceAll('-', '')}`;
    let nodes: [NatsBus, NatsBus];
    try {
      nodes = [await NatsBus.connect({ url: NATS_URL, subjectPrefix: prefix }), await NatsBus.connect({ url: NATS_URL, subjectPrefix: prefix })];
    } catch {
      report.note(`NATS not reachable at ${NATS_URL}: NATS figures skipped`);
      return;
    }
    const raw: [NatsConnection, NatsConnection] = [await connect({ servers: NATS_URL }), await connect({ servers: NATS_URL })];
    try {
      await natsThroughput(report, nodes, raw, prefix);
      await natsRequests(report, nodes, raw, prefix);
    } finally {
      await Promise.all([...nodes.map((bus) => bus.close()), ...raw.map((nc) => nc.drain())]);
    }
  },
};

export default scenario;
