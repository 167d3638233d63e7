/**
 * The durable, append-only event log (DESIGN §1.3): ordered events per stream, each with a consecutive seq
 * starting at 1. An append is atomic (all events or none) and can be made conditional on the stream's
 * current seq (`expectedSeq`, optimistic concurrency). Concurrent appenders of one stream are serialised
 * by the stream's row in `event_streams` (its upsert takes the row lock on PostgreSQL; SQLite serialises
 * writers), so seqs never repeat or skip.
 */
import { KernelError } from '../contracts/errors.ts';
import type { Database, SqlValue } from './database.ts';
import { postgresAppend } from './postgres-append.ts';

export interface NewEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export interface StoredEvent {
  readonly stream: string;
  readonly seq: number;
  readonly type: string;
  /** ISO-8601, set by the log at append. */
  readonly time: string;
  readonly data: Record<string, unknown>;
}

export interface StreamInfo {
  readonly stream: string;
  readonly lastSeq: number;
  readonly updatedAt: string;
}

export interface EventLog {
  /** Appends atomically; `expectedSeq` (0 for a new stream) must equal the stream's last seq or `conflict`. */
  append(stream: string, events: readonly NewEvent[], options?: { expectedSeq?: number }): Promise<StoredEvent[]>;
  /** Events after `afterSeq` (default 0) in seq order; `limit` default 1000, at most 10,000. */
  read(stream: string, options?: { afterSeq?: number; limit?: number }): Promise<StoredEvent[]>;
  /** One event by its seq (a point read), if it exists. */
  get(stream: string, seq: number): Promise<StoredEvent | undefined>;
  /** The newest event of the stream, if any. */
  last(stream: string): Promise<StoredEvent | undefined>;
  /** Streams in name order, optionally under a prefix and after a name (for paging); `limit` at most 10,000. */
  streams(options: { prefix?: string; after?: string; limit: number }): Promise<StreamInfo[]>;
}

export const EVENT_LIMITS = { defaultRead: 1000, maxRead: 10_000, maxBatch: 1000, maxEventBytes: 1024 * 1024 } as const;
const INSERT_CHUNK = 100;
const NAME = /^[\x21-\x7e]{1,256}$/;
/** Above every character a stream name may contain, so `prefix + STREAM_END` bounds a prefix range. */
const STREAM_END = '\x7f';

export const EVENT_SQL = {
  bumpHead:
    'INSERT INTO event_streams (stream, last_seq, updated_at) VALUES (?, ?, ?) ' +
    'ON CONFLICT (stream) DO UPDATE SET last_seq = event_streams.last_seq + excluded.last_seq, updated_at = excluded.updated_at ' +
    'RETURNING last_seq',
  read: 'SELECT stream, seq, type, time, data FROM events WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?',
  get: 'SELECT stream, seq, type, time, data FROM events WHERE stream = ? AND seq = ?',
  last: 'SELECT stream, seq, type, time, data FROM events WHERE stream = ? ORDER BY seq DESC LIMIT 1',
  head: 'SELECT last_seq FROM event_streams WHERE stream = ?',
  streams:
    'SELECT stream, last_seq, updated_at FROM event_streams WHERE stream > ? AND stream >= ? AND stream < ? ORDER BY stream LIMIT ?',
  insert: (rows: number): string =>
    `INSERT INTO events (stream, seq, type, time, data) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ')}`,
} as const;

interface EventRow {
  stream: string;
  seq: number;
  type: string;
  time: string;
  data: string;
}

function checkName(what: string, value: string): void {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new KernelError('payload_invalid', `${what} must be 1–256 printable ASCII characters without spaces`, { [what]: value });
  }
}

export function boundedLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new KernelError('payload_invalid', 'limit must be a positive integer', { limit });
  return Math.min(limit, max);
}

function encode(event: NewEvent, index: number): string {
  checkName('type', event.type);
  if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) {
    throw new KernelError('payload_invalid', `event ${index}: data must be a JSON object`);
  }
  let json: string;
  try {
    json = JSON.stringify(event.data);
  } catch (error) {
    throw new KernelError('payload_invalid', `event ${index}: data is not serialisable as JSON`, undefined, { cause: error });
  }
  if (Buffer.byteLength(json) > EVENT_LIMITS.maxEventBytes) {
    throw new KernelError('payload_too_large', `event ${index}: data exceeds ${EVENT_LIMITS.maxEventBytes} bytes`);
  }
  return json;
}

function decode(row: EventRow): StoredEvent {
  return { stream: row.stream, seq: Number(row.seq), type: row.type, time: row.time, data: JSON.parse(row.data) as Record<string, unknown> };
}

export class SqlEventLog implements EventLog {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async append(stream: string, events: readonly NewEvent[], options: { expectedSeq?: number } = {}): Promise<StoredEvent[]> {
    checkName('stream', stream);
    const { expectedSeq } = options;
    if (expectedSeq !== undefined && (!Number.isSafeInteger(expectedSeq) || expectedSeq < 0)) {
      throw new KernelError('payload_invalid', 'expectedSeq must be a non-negative integer', { expectedSeq });
    }
    if (events.length > EVENT_LIMITS.maxBatch) {
      throw new KernelError('payload_too_large', `at most ${EVENT_LIMITS.maxBatch} events per append`, { count: events.length });
    }
    const encoded = events.map(encode);
    if (encoded.length === 0) {
      if (expectedSeq !== undefined) await this.#expect(stream, expectedSeq);
      return [];
    }
    const time = new Date().toISOString();
    const first =
      this.#db.dialect === 'postgres'
        ? await this.#appendOnPostgres(stream, events, encoded, time, expectedSeq)
        : await this.#appendInTransaction(stream, events, encoded, time, expectedSeq);
    return events.map((event, i) => ({ stream, seq: first + i, type: event.type, time, data: JSON.parse(encoded[i] as string) as Record<string, unknown> }));
  }

  async read(stream: string, options: { afterSeq?: number; limit?: number } = {}): Promise<StoredEvent[]> {
    checkName('stream', stream);
    const afterSeq = options.afterSeq ?? 0;
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new KernelError('payload_invalid', 'afterSeq must be a non-negative integer');
    const limit = boundedLimit(options.limit, EVENT_LIMITS.defaultRead, EVENT_LIMITS.maxRead);
    return (await this.#db.query<EventRow>(EVENT_SQL.read, [stream, afterSeq, limit])).map(decode);
  }

  async get(stream: string, seq: number): Promise<StoredEvent | undefined> {
    checkName('stream', stream);
    if (!Number.isSafeInteger(seq)) throw new KernelError('payload_invalid', 'seq must be an integer', { seq });
    const [row] = await this.#db.query<EventRow>(EVENT_SQL.get, [stream, seq]);
    return row === undefined ? undefined : decode(row);
  }

  async last(stream: string): Promise<StoredEvent | undefined> {
    checkName('stream', stream);
    const [row] = await this.#db.query<EventRow>(EVENT_SQL.last, [stream]);
    return row === undefined ? undefined : decode(row);
  }

  async streams(options: { prefix?: string; after?: string; limit: number }): Promise<StreamInfo[]> {
    const prefix = options.prefix ?? '';
    if (prefix !== '') checkName('prefix', prefix);
    const limit = boundedLimit(options.limit, EVENT_LIMITS.defaultRead, EVENT_LIMITS.maxRead);
    const rows = await this.#db.query<{ stream: string; last_seq: number; updated_at: string }>(EVENT_SQL.streams, [
      options.after ?? '',
      prefix,
      prefix + STREAM_END,
      limit,
    ]);
    return rows.map((row) => ({ stream: row.stream, lastSeq: Number(row.last_seq), updatedAt: row.updated_at }));
  }

  /** BEGIN, bump the head, insert in chunks, COMMIT; answers the first new seq. */
  #appendInTransaction(stream: string, events: readonly NewEvent[], encoded: readonly string[], time: string, expectedSeq: number | undefined): Promise<number> {
    return this.#db.transaction(async (tx) => {
      const [head] = await tx.query<{ last_seq: number }>(EVENT_SQL.bumpHead, [stream, encoded.length, time]);
      const first = Number(head?.last_seq) - encoded.length + 1;
      if (expectedSeq !== undefined && first - 1 !== expectedSeq) {
        throw new KernelError('conflict', `stream ${stream} is at seq ${first - 1}, not ${expectedSeq}`, { stream, expectedSeq, actualSeq: first - 1 });
      }
      for (let start = 0; start < encoded.length; start += INSERT_CHUNK) {
        const chunk = encoded.slice(start, start + INSERT_CHUNK);
        const params: SqlValue[] = [];
        chunk.forEach((data, i) => params.push(stream, first + start + i, (events[start + i] as NewEvent).type, time, data));
        await tx.run(EVENT_SQL.insert(chunk.length), params);
      }
      return first;
    });
  }

  /** One statement (postgres-append.ts); answers the first new seq. */
  async #appendOnPostgres(stream: string, events: readonly NewEvent[], encoded: readonly string[], time: string, expectedSeq: number | undefined): Promise<number> {
    const { sql, params } = postgresAppend(stream, events.map((event) => event.type), encoded, time, expectedSeq);
    const rows = await this.#db.query<{ seq: number }>(sql, params);
    if (rows.length === 0) {
      // No rows: the head was not where expectedSeq said, and nothing was written.
      await this.#expect(stream, expectedSeq ?? 0);
      throw new KernelError('conflict', `stream ${stream} moved while appending`, { stream, expectedSeq });
    }
    return Math.min(...rows.map((row) => Number(row.seq)));
  }

  async #expect(stream: string, expectedSeq: number): Promise<void> {
    const rows = await this.#db.query<{ last_seq: number }>(EVENT_SQL.head, [stream]);
    const actual = Number(rows[0]?.last_seq ?? 0);
    if (actual !== expectedSeq) {
      throw new KernelError('conflict', `stream ${stream} is at seq ${actual}, not ${expectedSeq}`, { stream, expectedSeq, actualSeq: actual });
    }
  }
}
