/**
 * `gateway`: the WebSocket gateway against a raw `ws` server in the same run (DESIGN §11). Both servers
 * run in their own child process on loopback, driven by the same `ws` client from here:
 * - request/reply throughput on one connection (64 requests in flight) and sequential latency p50/p99,
 *   ours (a frame through /ws, the ingress with a user's API token — topic rules, capability check, rate
 *   limiter — the cheapest contract, `bus.unsubscribe` of a pattern never subscribed — the reply through the bus) against a raw `ws` server that parses each
 *   frame and answers with a JSON ack envelope (the least a JSON protocol server does), and against a
 *   byte-for-byte echo (context);
 * - load: 1,000 concurrent clients each making sequential requests; p50/p99 and the server's RSS.
 * Pairs run in alternating rounds after a warm-up; figures and ratios are medians.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { type Report, type Scenario, percentile } from '../scenario.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROUNDS = 5;
const ROUND_MS = 1000;
const WINDOW = 64;
const LATENCY_SAMPLES = 2000;
const LOAD_CLIENTS = 1000;
const LOAD_REQUESTS = 20;
const PASSWORD = 'bench password, long enough';

const ECHO_SERVER = `
import { WebSocketServer } from 'ws';
const mode = process.argv[1];
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (socket) => socket.on('message', (data) => {
  if (mode === 'bytes') return socket.send(data);
  const frame = JSON.parse(data.toString());
  socket.send(JSON.stringify({ id: crypto.randomUUID(), topic: frame.topic + ':ack', from: 'echo', to: 'c', payload: { ...frame.payload }, time: new Date().toISOString() }));
}));
wss.on('listening', () => console.log('Aether listening on ws://127.0.0.1:' + wss.address().port));
`;

interface Server {
  readonly child: ChildProcess;
  readonly wsUrl: string;
  readonly httpUrl: string | undefined;
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

function spawnServer(args: string[], env: NodeJS.ProcessEnv): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const url = /Aether listening on (\S+)/.exec(out)?.[1];
      if (url === undefined) return;
      const http = url.startsWith('http') ? url : undefined;
      resolve({
        child,
        wsUrl: http === undefined ? url : `${http.replace(/^http/, 'ws')}/ws`,
        httpUrl: http,
        rssBytes: async () => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
}

/** One connection that matches replies to requests by `_request_id`. */
class Client {
  readonly #socket: WebSocket;
  readonly #waiting = new Map<string, () => void>();
  #next = 0;
  /** Answers that were errors: a bench that measured refusals would be measuring the wrong thing. */
  errors = 0;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
      const envelope = JSON.parse(text) as { topic: string; payload?: { _request_id?: string } };
      const id = envelope.payload?._request_id;
      if (id === undefined) return;
      if (!envelope.topic.endsWith(':ack')) this.errors++;
      this.#waiting.get(id)?.();
      this.#waiting.delete(id);
    });
  }

  static open(url: string, token?: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }) });
      socket.once('open', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  request(): Promise<void> {
    const id = `r${++this.#next}`;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#socket.send(`{"topic":"bus.unsubscribe","payload":{"_request_id":"${id}","pattern":"bench.none"}}`);
    });
  }

  close(): void {
    this.#socket.terminate();
  }
}

/** Replies per second with `WINDOW` requests in flight, for ROUND_MS. */
async function pipelined(client: Client): Promise<number> {
  const start = performance.now();
  let done = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() - start < ROUND_MS) {
      await client.request();
      done++;
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
  return done / ((performance.now() - start) / 1000);
}

async function sequential(client: Client, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await client.request();
    samples.push((performance.now() - start) * 1000);
  }
  return samples;
}

async function paired(ours: () => Promise<number>, baseline: () => Promise<number>): Promise<{ ours: number; baseline: number; ratio: number }> {
  await ours();
  await baseline();
  const samples = { ours: [] as number[], baseline: [] as number[], ratio: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0 ? ours : baseline;
    const second = round % 2 === 0 ? baseline : ours;
    const a = await first();
    const b = await second();
    const [o, base] = round % 2 === 0 ? [a, b] : [b, a];
    samples.ours.push(o);
    samples.baseline.push(base);
    samples.ratio.push(o / base);
  }
  const median = (values: number[]): number => percentile(values, 50);
  return { ours: median(samples.ours), baseline: median(samples.baseline), ratio: median(samples.ratio) };
}

/** A user and an API token for it, made the way a person would (REST login, then auth.token.create). */
async function userToken(httpUrl: string, adminToken: string): Promise<string> {
  const post = async (route: string, body: unknown, bearer?: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${httpUrl}/api/v1/${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${route}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  await post('auth/user/add', { name: 'bench', password: PASSWORD, role: 'user' }, adminToken);
  const login = await post('auth/login', { user: 'bench', password: PASSWORD, as: 'token' });
  const created = await post('auth/token/create', { name: 'bench', capabilities: ['auth.whoami'] }, (login.token as { secret: string }).secret);
  return created.secret as string;
}

async function run(report: Report): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aether-bench-gw-'));
  const adminToken = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
  // The per-connection frame rate (default 1,000/s) is lifted: this measures the path, not the limiter.
  const env = { AETHER_DATA_DIR: dataDir, AETHER_PORT: '0', AETHER_ADMIN_TOKEN: adminToken, AETHER_LOG_LEVEL: 'warn', AETHER_WS_RATE: '1000000', AETHER_WS_BURST: '1000000' };
  const aetherd = await spawnServer([path.join(ROOT, 'packages/server/src/main.ts')], env);
  const echo = await spawnServer(['--input-type=module', '-e', ECHO_SERVER, 'json'], {});
  const bytes = await spawnServer(['--input-type=module', '-e', ECHO_SERVER, 'bytes'], {});
  try {
    const token = await userToken(aetherd.httpUrl as string, adminToken);
    const ours = await Client.open(aetherd.wsUrl, token);
    const base = await Client.open(echo.wsUrl);
    const raw = await Client.open(bytes.wsUrl);
    report.note(`request/reply over one connection: ${WINDOW} in flight for ${ROUND_MS} ms × ${ROUNDS} rounds; bus.unsubscribe with a user's API token`);
    const rate = await paired(() => pipelined(ours), () => pipelined(base));
    report.figure('ws_request_reply', Math.round(rate.ours), 'req/s');
    report.figure('raw_ws_json_ack', Math.round(rate.baseline), 'req/s');
    report.figure('raw_ws_byte_echo', Math.round(await pipelined(raw)), 'req/s');
    report.ratio('ws_throughput_vs_raw_ws', rate.ratio);

    // Latency samples are taken in alternating chunks, so load from elsewhere on the machine hits both alike.
    const oursLatency: number[] = [];
    const baseLatency: number[] = [];
    for (let round = 0; round < ROUNDS * 2; round++) {
      const chunk = LATENCY_SAMPLES / (ROUNDS * 2);
      if (round % 2 === 0) oursLatency.push(...(await sequential(ours, chunk)));
      else baseLatency.push(...(await sequential(base, chunk)));
    }
    const [p50, p99, b50, b99] = [percentile(oursLatency, 50), percentile(oursLatency, 99), percentile(baseLatency, 50), percentile(baseLatency, 99)];
    report.figure('ws_request_p50', Math.round(p50), 'µs');
    report.figure('ws_request_p99', Math.round(p99), 'µs');
    report.figure('raw_ws_p50', Math.round(b50), 'µs');
    report.figure('raw_ws_p99', Math.round(b99), 'µs');
    report.ratio('ws_p50_vs_raw_ws', b50 / p50);
    report.ratio('ws_p99_vs_raw_ws', b99 / p99);
    for (const client of [ours, base, raw]) client.close();
    if (ours.errors > 0) throw new Error(`${ours.errors} requests were answered with an error; the figures would be wrong`);

    const idleRss = await aetherd.rssBytes();
    const clients: Client[] = [];
    for (let i = 0; i < LOAD_CLIENTS; i += 100) clients.push(...(await Promise.all(Array.from({ length: 100 }, () => Client.open(aetherd.wsUrl, token)))));
    const connectedRss = await aetherd.rssBytes();
    const samples: number[] = [];
    const start = performance.now();
    await Promise.all(clients.map(async (client) => samples.push(...(await sequential(client, LOAD_REQUESTS)))));
    const seconds = (performance.now() - start) / 1000;
    const loadedRss = await aetherd.rssBytes();
    report.note(`load: ${LOAD_CLIENTS} concurrent clients × ${LOAD_REQUESTS} sequential requests on loopback`);
    report.figure('load_clients', LOAD_CLIENTS, 'connections');
    report.figure('load_throughput', Math.round(samples.length / seconds), 'req/s');
    report.figure('load_p50', Math.round(percentile(samples, 50)), 'µs');
    report.figure('load_p99', Math.round(percentile(samples, 99)), 'µs');
    report.figure('server_rss_idle', Math.round(idleRss / 2 ** 20), 'MiB');
    report.figure('server_rss_1000_clients', Math.round(connectedRss / 2 ** 20), 'MiB');
    report.figure('server_rss_after_load', Math.round(loadedRss / 2 ** 20), 'MiB');
    for (const client of clients) client.close();
    const failed = clients.reduce((sum, client) => sum + client.errors, 0);
    if (failed > 0) throw new Error(`${failed} load requests were answered with an error`);
  } finally {
    await Promise.all([aetherd.stop(), echo.stop(), bytes.stop()]);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const scenario: Scenario = {
  name: 'gateway',
  description: 'WebSocket request/reply against a raw ws server, and 1,000 concurrent clients',
  run,
};
export default scenario;
