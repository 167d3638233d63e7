/**
 * The audit log (DESIGN §5): an append-only, hash-chained record of security-relevant events. Each record
 * stores `prev_hash` and `hash = sha256(prev_hash + canonical JSON of its fields)`; appends are serialised
 * (in-process here, and under the chain lock in the store so several kernel nodes can append). Records are
 * found by principal, kind and time range a page at a time, exported as JSON lines page by page, pruned for
 * retention behind an anchor that keeps the rest verifiable, and verified end to end.
 */
import { KernelError } from '../contracts/errors.ts';
import { Mutex } from '../store/async-mutex.ts';
import type { AuditFilter, AuditPosition, AuditRepository, AuditRow, Decision } from '../store/audit-repository.ts';
import { recordHash } from './audit-hash.ts';
import { verifyChain, type VerifyResult } from './audit-verify.ts';
import { canonicalJson } from './canonical-json.ts';

export type { Decision } from '../store/audit-repository.ts';
export type { VerifyResult } from './audit-verify.ts';

export interface AuditEntry {
  principal: string;
  kind: string;
  action: string;
  decision?: Decision;
  data?: Record<string, unknown>;
}

export interface AuditRecord {
  seq: number;
  time: string;
  principal: string;
  kind: string;
  action: string;
  decision?: Decision;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  principal?: string;
  kind?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  /** Oldest first (default) or newest first, by time then seq. */
  order?: 'asc' | 'desc';
}

export type AuditExportFilter = Omit<AuditQuery, 'cursor' | 'limit'>;

export interface AuditPage {
  records: AuditRecord[];
  /** Present when more records match; pass it back as `cursor`. */
  nextCursor?: string;
}

export const AUDIT_LIMITS = { defaultQuery: 100, maxQuery: 1000, exportPage: 500, pruneBatch: 1000, maxField: 256, maxDataBytes: 64 * 1024 } as const;

function checkField(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > AUDIT_LIMITS.maxField) {
    throw new KernelError('payload_invalid', `audit ${name} must be a string of 1–${AUDIT_LIMITS.maxField} characters`);
  }
  return value;
}

function isoOf(name: string, date: Date | undefined): string | undefined {
  if (date === undefined) return undefined;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new KernelError('payload_invalid', `${name} must be a valid date`);
  return date.toISOString();
}

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(\d{1,15})$/;

/** Cursors are opaque to callers: the (time, seq) of the last record of a page. */
function encodeCursor(record: AuditRecord): string {
  return Buffer.from(`${record.time}|${record.seq}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): AuditPosition | undefined {
  if (cursor === undefined) return undefined;
  const match = cursor.length <= 64 ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString()) : null;
  if (match === null) throw new KernelError('payload_invalid', 'invalid cursor');
  return { time: match[1] as string, seq: Number(match[2]) };
}

function toRecord(row: AuditRow): AuditRecord {
  const record: AuditRecord = {
    seq: row.seq,
    time: row.time,
    principal: row.principal,
    kind: row.kind,
    action: row.action,
    data: JSON.parse(row.data) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  };
  if (row.decision !== null) record.decision = row.decision;
  return record;
}

export class AuditLog {
  readonly #repository: AuditRepository;
  readonly #now: () => Date;
  readonly #exportPage: number;
  readonly #writes = new Mutex();

  /** `now` is the clock stamped on records (tests pass one they control); `exportPageSize` default 500. */
  constructor(repository: AuditRepository, options: { now?: () => Date; exportPageSize?: number } = {}) {
    this.#repository = repository;
    this.#now = options.now ?? (() => new Date());
    this.#exportPage = Math.min(options.exportPageSize ?? AUDIT_LIMITS.exportPage, AUDIT_LIMITS.maxQuery);
  }

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const principal = checkField('principal', entry.principal);
    const kind = checkField('kind', entry.kind);
    const action = checkField('action', entry.action);
    const decision = entry.decision ?? null;
    if (decision !== null && decision !== 'allow' && decision !== 'deny') {
      throw new KernelError('payload_invalid', 'audit decision must be "allow" or "deny"');
    }
    const raw = entry.data ?? {};
    let text: string;
    try {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError('data must be an object');
      text = canonicalJson(raw);
    } catch (error) {
      throw new KernelError('payload_invalid', `audit data: ${(error as Error).message}`, undefined, { cause: error });
    }
    if (Buffer.byteLength(text) > AUDIT_LIMITS.maxDataBytes) {
      throw new KernelError('payload_too_large', `audit data exceeds ${AUDIT_LIMITS.maxDataBytes} bytes`);
    }
    const data = JSON.parse(text) as Record<string, unknown>;
    const row = await this.#writes.run(() =>
      this.#repository.append((head) => {
        const fields = { seq: head.seq + 1, time: this.#now().toISOString(), principal, kind, action, decision, data };
        return { ...fields, data: text, prevHash: head.hash, hash: recordHash(head.hash, fields) };
      }),
    );
    return toRecord(row);
  }

  async query(query: AuditQuery = {}): Promise<AuditPage> {
    const limit = query.limit ?? AUDIT_LIMITS.defaultQuery;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_LIMITS.maxQuery) {
      throw new KernelError('payload_invalid', `limit must be an integer from 1 to ${AUDIT_LIMITS.maxQuery}`, { limit });
    }
    const filter: AuditFilter = { order: query.order ?? 'asc', limit: limit + 1 };
    if (query.principal !== undefined) filter.principal = query.principal;
    if (query.kind !== undefined) filter.kind = query.kind;
    const from = isoOf('from', query.from);
    const to = isoOf('to', query.to);
    const cursor = decodeCursor(query.cursor);
    if (from !== undefined) filter.from = from;
    if (to !== undefined) filter.to = to;
    if (cursor !== undefined) filter.cursor = cursor;
    const rows = await this.#repository.find(filter);
    const records = rows.slice(0, limit).map(toRecord);
    const last = records.at(-1);
    return rows.length > limit && last !== undefined ? { records, nextCursor: encodeCursor(last) } : { records };
  }

  /** Matching records as JSON lines (each ending in a newline), read a page at a time. */
  async *export(filter: AuditExportFilter = {}): AsyncIterable<string> {
    let cursor: string | undefined;
    do {
      const page = await this.query({ ...filter, limit: this.#exportPage, ...(cursor === undefined ? {} : { cursor }) });
      for (const record of page.records) yield `${JSON.stringify(record)}\n`;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  /**
   * Deletes the oldest records whose time is before `olderThan`, in batches, keeping the seq and hash of the
   * last one deleted as the chain's anchor. Only a prefix is pruned: it stops at the first newer record.
   * An aborted `signal` stops it between batches.
   */
  async prune(options: { olderThan: Date; signal?: AbortSignal }): Promise<{ pruned: number }> {
    const before = isoOf('olderThan', options.olderThan) as string;
    let pruned = 0;
    while (options.signal?.aborted !== true) {
      const batch = await this.#writes.run(() => this.#repository.pruneBatch(before, AUDIT_LIMITS.pruneBatch));
      pruned += batch;
      if (batch < AUDIT_LIMITS.pruneBatch) break;
    }
    return { pruned };
  }

  verify(): Promise<VerifyResult> {
    return verifyChain(this.#repository);
  }
}
