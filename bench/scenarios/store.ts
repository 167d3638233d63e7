/**
 * `store`: event-log appends (one event per append, and 100-event batches) and point reads, on SQLite and
 * on PostgreSQL, each next to a same-run baseline writing or reading the same row shape without Aether:
 * - SQLite: a raw node:sqlite connection (same pragmas: WAL, synchronous NORMAL) running one prepared
 *   INSERT per event (autocommit), 100 INSERTs in one BEGIN/COMMIT per batch, and a prepared point SELECT;
 * - PostgreSQL: a raw `pg` client running one INSERT per event, one 100-row INSERT per batch, and a point
 *   SELECT, in a schema of its own next to Aether's.
 * Each pair runs in alternating rounds after a warm-up; figures and ratios (ours ÷ baseline) are medians.
 * PostgreSQL is measured only when reachable (AETHER_DATABASE_URL, or the test server).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import type { NewEvent } from '../../packages/kernel/src/store/event-log.ts';
import { type Store, openStore } from '../../packages/kernel/src/store/store.ts';
import { TEST_DATABASE_URL, skipUnless } from '../../packages/kernel/src/testing/services.ts';
import { type Report, type Scenario, percentile, throughput } from '../scenario.ts';

const DATABASE_URL = process.env.AETHER_DATABASE_URL ?? TEST_DATABASE_URL;
const ROUNDS = 3;
const BATCH = 100;
const SEEDED = 2_000;
const DATA = { step: 'tool_call', tool: 'web_fetch', args: { url: 'https://example.com/docs' }, tokens: 1234 };
const DATA_JSON = JSON.stringify(DATA);
const STREAM = 'bench/run';
const READ_STREAM = 'bench/read';

const median = (values: readonly number[]): number => percentile(values, 50);
const event = (): NewEvent => ({ type: 'step', data: DATA });
const batchOf = (): NewEvent[] => Array.from({ length: BATCH }, event);

interface Pair {
  ours: () => Promise<void>;
  baseline: () => Promise<void>;
  /** Events (or reads) per call. */
  per: number;
}

/** Alternating rounds of ours and baseline, after a warm-up of each; medians of rates and of ratios. */
async function paired(report: Report, metric: string, unit: string, roundMs: number, pair: Pair): Promise<void> {
  await throughput(roundMs / 4, pair.per, pair.ours);
  await throughput(roundMs / 4, pair.per, pair.baseline);
  const ours: number[] = [];
  const baseline: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0 ? pair.ours : pair.baseline;
    const second = round % 2 === 0 ? pair.baseline : pair.ours;
    const a = await throughput(roundMs, pair.per, first);
    const b = await throughput(roundMs, pair.per, second);
    const [o, base] = round % 2 === 0 ? [a, b] : [b, a];
    ours.push(o);
    baseline.push(base);
    ratios.push(o / base);
  }
  report.figure(metric, Math.round(median(ours)), unit);
  report.figure(`${metric}.baseline`, Math.round(median(baseline)), unit);
  report.ratio(metric, median(ratios));
}

/** Appends SEEDED events to READ_STREAM so point reads hit a populated stream. */
async function seed(store: Store): Promise<void> {
  for (let i = 0; i < SEEDED; i += BATCH) await store.events.append(READ_STREAM, batchOf());
}

const randomSeq = (): number => 1 + Math.floor(Math.random() * SEEDED);

async function benchSqlite(report: Report): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aether-bench-store-'));
  const store = await openStore({ dataDir: path.join(dir, 'aether') });
  const raw = new DatabaseSync(path.join(dir, 'raw.db'));
  try {
    raw.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
    raw.exec(`CREATE TABLE events (stream TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL,
      data TEXT NOT NULL, PRIMARY KEY (stream, seq)) WITHOUT ROWID`);
    const insert = raw.prepare('INSERT INTO events (stream, seq, type, time, data) VALUES (?, ?, ?, ?, ?)');
    const select = raw.prepare('SELECT stream, seq, type, time, data FROM events WHERE stream = ? AND seq = ?');
    let rawSeq = 0;
    const rawInsert = (): void => void insert.run(STREAM, ++rawSeq, 'step', new Date().toISOString(), JSON.stringify(DATA));
    raw.exec('BEGIN');
    for (let i = 1; i <= SEEDED; i++) insert.run(READ_STREAM, i, 'step', new Date().toISOString(), DATA_JSON);
    raw.exec('COMMIT');
    await seed(store);

    await paired(report, 'sqlite.append.single', 'events/s', 500, {
      per: 1,
      ours: async () => void (await store.events.append(STREAM, [event()])),
      baseline: () => Promise.resolve(rawInsert()),
    });
    await paired(report, 'sqlite.append.batch100', 'events/s', 500, {
      per: BATCH,
      ours: async () => void (await store.events.append(STREAM, batchOf())),
      baseline: () => {
        raw.exec('BEGIN');
        for (let i = 0; i < BATCH; i++) rawInsert();
        raw.exec('COMMIT');
        return Promise.resolve();
      },
    });
    await paired(report, 'sqlite.read.point', 'reads/s', 500, {
      per: 1,
      ours: async () => {
        const seq = randomSeq();
        if ((await store.events.get(READ_STREAM, seq))?.seq !== seq) throw new Error('bad read');
      },
      baseline: () => {
        const row = select.get(READ_STREAM, randomSeq()) as { data: string } | undefined;
        if (row === undefined) throw new Error('bad read');
        JSON.parse(row.data);
        return Promise.resolve();
      },
    });
  } finally {
    raw.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(report: Report): Promise<void> {
  const schema = `aether_bench_${randomBytes(5).toString('hex')}`;
  const raw = new pg.Client({ connectionString: DATABASE_URL });
  await raw.connect();
  let store: Store | undefined;
  try {
    await raw.query(`CREATE SCHEMA ${schema}`);
    await raw.query(`SET search_path = ${schema}`);
    await raw.query(`CREATE TABLE raw_events (stream TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL,
      time TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (stream, seq))`);
    store = await openStore({ dataDir: os.tmpdir(), databaseUrl: DATABASE_URL, schema, maxConnections: 4 });
    const events = store.events;
    let rawSeq = 0;
    const values = Array.from({ length: BATCH }, (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(', ');
    const rows = (n: number): unknown[] => {
      const time = new Date().toISOString();
      return Array.from({ length: n }, () => [STREAM, ++rawSeq, 'step', time, JSON.stringify(DATA)]).flat();
    };
    await raw.query(
      `INSERT INTO raw_events (stream, seq, type, time, data) SELECT $1, g, 'step', $2, $3 FROM generate_series(1, ${SEEDED}) AS g`,
      [READ_STREAM, new Date().toISOString(), DATA_JSON],
    );
    await seed(store);

    await paired(report, 'postgres.append.single', 'events/s', 700, {
      per: 1,
      ours: async () => void (await events.append(STREAM, [event()])),
      baseline: async () => void (await raw.query('INSERT INTO raw_events (stream, seq, type, time, data) VALUES ($1, $2, $3, $4, $5)', rows(1))),
    });
    await paired(report, 'postgres.append.batch100', 'events/s', 700, {
      per: BATCH,
      ours: async () => void (await events.append(STREAM, batchOf())),
      baseline: async () => void (await raw.query(`INSERT INTO raw_events (stream, seq, type, time, data) VALUES ${values}`, rows(BATCH))),
    });
    await paired(report, 'postgres.read.point', 'reads/s', 600, {
      per: 1,
      ours: async () => {
        const seq = randomSeq();
        if ((await events.get(READ_STREAM, seq))?.seq !== seq) throw new Error('bad read');
      },
      baseline: async () => {
        const result = await raw.query<{ data: string }>('SELECT stream, seq, type, time, data FROM raw_events WHERE stream = $1 AND seq = $2', [
          READ_STREAM,
          randomSeq(),
        ]);
        JSON.parse(result.rows[0]?.data ?? 'null');
      },
    });
  } finally {
    await store?.close();
    await raw.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await raw.end();
  }
}

const scenario: Scenario = {
  name: 'store',
  description: 'event appends (single, 100-event batches) and point reads, SQLite and PostgreSQL, vs raw driver inserts/selects',
  async run(report) {
    report.note(`rounds ${ROUNDS} (alternating, after a warm-up); batch ${BATCH}; ${SEEDED} events seeded for reads`);
    await benchSqlite(report);
    const skip = await skipUnless('postgres', DATABASE_URL);
    if (skip === false) await benchPostgres(report);
    else report.note(`postgres figures skipped: ${skip}`);
  },
};

export default scenario;
