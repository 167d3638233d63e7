/**
 * The `agents` table (migration 004): the process table's durable index. Rows are written in the same
 * transaction as an agent's first events and their status follows the log afterwards (it may lag, never
 * lead), with a summary of what the agent did (migration 006). Listing is paged by (created_at, id) so a
 * cursor stays stable while agents come and go.
 */
import type { Database } from '../../store/database.ts';
import type { AgentSummary } from '../state/status-of.ts';

export interface AgentRow {
  id: string;
  name: string;
  owner: string;
  parentId: string | null;
  depth: number;
  lifecycle: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  summary?: AgentSummary;
}

interface Row {
  id: string;
  name: string;
  owner: string;
  parent_id: string | null;
  depth: number;
  lifecycle: string;
  status: string;
  created_at: string;
  updated_at: string;
  summary: string | null;
}

const COLUMNS = 'id, name, owner, parent_id, depth, lifecycle, status, created_at, updated_at, summary';
const TERMINAL = "('completed', 'failed', 'stopped')";

function fromRow(row: Row): AgentRow {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    parentId: row.parent_id,
    depth: Number(row.depth),
    lifecycle: row.lifecycle,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...parseSummary(row.summary),
  };
}

/** A stored summary, or nothing when there is none (or it does not parse: the row is still listed). */
function parseSummary(text: string | null): { summary?: AgentSummary } {
  if (text === null) return {};
  try {
    return { summary: JSON.parse(text) as AgentSummary };
  } catch {
    return {};
  }
}

export interface ListQuery {
  /** Only this owner's agents; all owners when absent. */
  owner?: string;
  parentId?: string;
  /** `createdAt|id` of the last row of the previous page. */
  after?: { createdAt: string; id: string };
  limit: number;
}

export class AgentRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async insert(row: AgentRow, tx: Database = this.#db): Promise<void> {
    await tx.run(`INSERT INTO agents (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      row.id,
      row.name,
      row.owner,
      row.parentId,
      row.depth,
      row.lifecycle,
      row.status,
      row.createdAt,
      row.updatedAt,
      row.summary === undefined ? null : JSON.stringify(row.summary),
    ]);
  }

  async setStatus(id: string, status: string, updatedAt: string, summary: AgentSummary): Promise<void> {
    await this.#db.run('UPDATE agents SET status = ?, updated_at = ?, summary = ? WHERE id = ?', [status, updatedAt, JSON.stringify(summary), id]);
  }

  async get(id: string): Promise<AgentRow | undefined> {
    const [row] = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM agents WHERE id = ?`, [id]);
    return row === undefined ? undefined : fromRow(row);
  }

  async list(query: ListQuery): Promise<AgentRow[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.owner !== undefined) {
      where.push('owner = ?');
      params.push(query.owner);
    }
    if (query.parentId !== undefined) {
      where.push('parent_id = ?');
      params.push(query.parentId);
    }
    if (query.after !== undefined) {
      where.push('(created_at > ? OR (created_at = ? AND id > ?))');
      params.push(query.after.createdAt, query.after.createdAt, query.after.id);
    }
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    params.push(query.limit);
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM agents ${clause} ORDER BY created_at, id LIMIT ?`, params);
    return rows.map(fromRow);
  }

  /** Agents that had not ended when last written, parents before children, a page at a time. */
  async unfinished(after: { depth: number; id: string } | undefined, limit: number): Promise<AgentRow[]> {
    const rows = await this.#db.query<Row>(
      `SELECT ${COLUMNS} FROM agents WHERE status NOT IN ${TERMINAL} AND (depth > ? OR (depth = ? AND id > ?)) ORDER BY depth, id LIMIT ?`,
      [after?.depth ?? -1, after?.depth ?? -1, after?.id ?? '', limit],
    );
    return rows.map(fromRow);
  }
}
