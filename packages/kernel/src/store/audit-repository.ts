/**
 * SQL for the audit log (DESIGN §5). The repository stores and finds rows; the chain itself (hashing,
 * verification) belongs to audit/audit-log.ts. Appends and prunes run in a transaction that first takes
 * the chain lock — `pg_advisory_xact_lock` on PostgreSQL so several kernel nodes can append safely; on
 * SQLite the write transaction itself serialises — then read and advance the single `audit_chain` row.
 */
import type { Database, SqlValue } from './database.ts';

export type Decision = 'allow' | 'deny';

export interface AuditRow {
  seq: number;
  time: string;
  principal: string;
  kind: string;
  action: string;
  decision: Decision | null;
  /** Canonical JSON of the record's data, exactly as hashed. */
  data: string;
  prevHash: string;
  hash: string;
}

export interface ChainLink {
  seq: number;
  hash: string;
}

export interface ChainState {
  /** The newest record (seq 0 and the genesis hash when nothing was ever appended). */
  head: ChainLink;
  /** The last pruned record (seq 0 and the genesis hash when nothing was pruned). */
  anchor: ChainLink;
}

/** A position in query order: records are ordered by (time, seq), a total order that every index serves. */
export interface AuditPosition {
  time: string;
  seq: number;
}

export interface AuditFilter {
  principal?: string;
  kind?: string;
  /** Inclusive lower bound, ISO-8601 UTC. */
  from?: string;
  /** Exclusive upper bound, ISO-8601 UTC. */
  to?: string;
  /** Only records after this position (ascending) or before it (descending). */
  cursor?: AuditPosition;
  order: 'asc' | 'desc';
  limit: number;
}

export interface AuditRepository {
  /** Appends the row `build` makes from the current head, under the chain lock, advancing the head. */
  append(build: (head: ChainLink) => AuditRow): Promise<AuditRow>;
  find(filter: AuditFilter): Promise<AuditRow[]>;
  /** Records with afterSeq < seq ≤ throughSeq in seq order. */
  range(afterSeq: number, throughSeq: number, limit: number): Promise<AuditRow[]>;
  chain(): Promise<ChainState | undefined>;
  /** Deletes up to `batch` of the oldest records whose time is before `before`, moving the anchor; returns the count. */
  pruneBatch(before: string, batch: number): Promise<number>;
}

const COLUMNS = 'seq, time, principal, kind, action, decision, data, prev_hash, hash';
const PG_LOCK = 'SELECT pg_advisory_xact_lock(1095062594, hashtext(current_schema()))';

export const AUDIT_SQL = {
  chain: 'SELECT head_seq, head_hash, anchor_seq, anchor_hash FROM audit_chain WHERE id = 1',
  insert: `INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  advanceHead: 'UPDATE audit_chain SET head_seq = ?, head_hash = ? WHERE id = 1',
  range: `SELECT ${COLUMNS} FROM audit_log WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
  pruneCandidates: 'SELECT seq, time, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?',
  prune: 'DELETE FROM audit_log WHERE seq > ? AND seq <= ?',
  moveAnchor: 'UPDATE audit_chain SET anchor_seq = ?, anchor_hash = ? WHERE id = 1',
} as const;

/**
 * The query `find` runs for a filter (exported so the query-plan test checks exactly this SQL). Results are
 * ordered by (time, seq); the indexes (principal, time, seq), (kind, time, seq) and (time, seq) each serve
 * the filter, the order and the cursor at once, so a page costs its own size, never a sort of the range.
 */
export function auditFindSql(filter: AuditFilter): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.principal !== undefined) {
    where.push('principal = ?');
    params.push(filter.principal);
  }
  if (filter.kind !== undefined) {
    where.push('kind = ?');
    params.push(filter.kind);
  }
  if (filter.from !== undefined) {
    where.push('time >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('time < ?');
    params.push(filter.to);
  }
  if (filter.cursor !== undefined) {
    where.push(filter.order === 'asc' ? '(time, seq) > (?, ?)' : '(time, seq) < (?, ?)');
    params.push(filter.cursor.time, filter.cursor.seq);
  }
  const clause = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const direction = filter.order === 'asc' ? 'ASC' : 'DESC';
  params.push(filter.limit);
  return { sql: `SELECT ${COLUMNS} FROM audit_log${clause} ORDER BY time ${direction}, seq ${direction} LIMIT ?`, params };
}

interface Row {
  seq: number;
  time: string;
  principal: string;
  kind: string;
  action: string;
  decision: Decision | null;
  data: string;
  prev_hash: string;
  hash: string;
}

function fromRow(row: Row): AuditRow {
  return {
    seq: Number(row.seq),
    time: row.time,
    principal: row.principal,
    kind: row.kind,
    action: row.action,
    decision: row.decision,
    data: row.data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

interface ChainRow {
  head_seq: number;
  head_hash: string;
  anchor_seq: number;
  anchor_hash: string;
}

async function lockedChain(tx: Database): Promise<ChainState> {
  if (tx.dialect === 'postgres') await tx.query(PG_LOCK);
  const state = await readChain(tx);
  if (state === undefined) throw new Error('the audit_chain row is missing; the audit schema is damaged');
  return state;
}

async function readChain(db: Database): Promise<ChainState | undefined> {
  const [row] = await db.query<ChainRow>(AUDIT_SQL.chain);
  if (row === undefined) return undefined;
  return { head: { seq: Number(row.head_seq), hash: row.head_hash }, anchor: { seq: Number(row.anchor_seq), hash: row.anchor_hash } };
}

export class SqlAuditRepository implements AuditRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  append(build: (head: ChainLink) => AuditRow): Promise<AuditRow> {
    return this.#db.transaction(async (tx) => {
      const { head } = await lockedChain(tx);
      const row = build(head);
      if (row.seq !== head.seq + 1 || row.prevHash !== head.hash) throw new Error('an audit row must extend the current head');
      await tx.run(AUDIT_SQL.insert, [row.seq, row.time, row.principal, row.kind, row.action, row.decision, row.data, row.prevHash, row.hash]);
      await tx.run(AUDIT_SQL.advanceHead, [row.seq, row.hash]);
      return row;
    });
  }

  async find(filter: AuditFilter): Promise<AuditRow[]> {
    const { sql, params } = auditFindSql(filter);
    return (await this.#db.query<Row>(sql, params)).map(fromRow);
  }

  async range(afterSeq: number, throughSeq: number, limit: number): Promise<AuditRow[]> {
    return (await this.#db.query<Row>(AUDIT_SQL.range, [afterSeq, throughSeq, limit])).map(fromRow);
  }

  chain(): Promise<ChainState | undefined> {
    return readChain(this.#db);
  }

  pruneBatch(before: string, batch: number): Promise<number> {
    return this.#db.transaction(async (tx) => {
      const { anchor } = await lockedChain(tx);
      const candidates = await tx.query<{ seq: number; time: string; hash: string }>(AUDIT_SQL.pruneCandidates, [anchor.seq, batch]);
      // Only a prefix of the chain may go: stop at the first record that is not old enough.
      const stop = candidates.findIndex((row) => row.time >= before);
      const prunable = stop === -1 ? candidates : candidates.slice(0, stop);
      const last = prunable.at(-1);
      if (last === undefined) return 0;
      const { changes } = await tx.run(AUDIT_SQL.prune, [anchor.seq, Number(last.seq)]);
      await tx.run(AUDIT_SQL.moveAnchor, [Number(last.seq), last.hash]);
      return changes;
    });
  }
}
