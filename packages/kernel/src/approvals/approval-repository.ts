/**
 * The `approvals` table (migration 004): one row per approval or ask_human question, keyed by an id
 * derived from the tool call's idempotency key, so asking again after a restart finds the same row. A
 * decision is a conditional update from `pending`: two people deciding at once cannot both win.
 */
import type { Database } from '../store/database.ts';

export type ApprovalKind = 'tool' | 'question';
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface ApprovalRecord {
  id: string;
  kind: ApprovalKind;
  agentId: string;
  owner: string;
  callId: string;
  tool: string;
  capability: string | null;
  /** The `approval_required` entry (or the tool's own policy) that asked; null for questions. */
  rule: string | null;
  /** What the person is asked: the action to approve, or the question. */
  summary: string;
  status: ApprovalStatus;
  decidedBy: string | null;
  note: string | null;
  answer: string | null;
  createdAt: string;
  expiresAt: string | null;
  decidedAt: string | null;
}

export type NewApproval = Omit<ApprovalRecord, 'status' | 'decidedBy' | 'note' | 'answer' | 'decidedAt'>;

interface Row {
  id: string;
  kind: ApprovalKind;
  agent_id: string;
  owner: string;
  call_id: string;
  tool: string;
  capability: string | null;
  rule: string | null;
  summary: string;
  status: ApprovalStatus;
  decided_by: string | null;
  note: string | null;
  answer: string | null;
  created_at: string;
  expires_at: string | null;
  decided_at: string | null;
}

const COLUMNS = 'id, kind, agent_id, owner, call_id, tool, capability, rule, summary, status, decided_by, note, answer, created_at, expires_at, decided_at';

function fromRow(row: Row): ApprovalRecord {
  return {
    id: row.id,
    kind: row.kind,
    agentId: row.agent_id,
    owner: row.owner,
    callId: row.call_id,
    tool: row.tool,
    capability: row.capability,
    rule: row.rule,
    summary: row.summary,
    status: row.status,
    decidedBy: row.decided_by,
    note: row.note,
    answer: row.answer,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedAt: row.decided_at,
  };
}

export interface Decision {
  status: Exclude<ApprovalStatus, 'pending'>;
  decidedBy: string;
  note: string | null;
  answer: string | null;
  decidedAt: string;
}

export class ApprovalRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts the approval unless a row with its id exists; true when this call created it. */
  async insert(approval: NewApproval): Promise<boolean> {
    const result = await this.#db.run(
      `INSERT INTO approvals (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, NULL, NULL, ?, ?, NULL) ON CONFLICT (id) DO NOTHING`,
      [
        approval.id,
        approval.kind,
        approval.agentId,
        approval.owner,
        approval.callId,
        approval.tool,
        approval.capability,
        approval.rule,
        approval.summary,
        approval.createdAt,
        approval.expiresAt,
      ],
    );
    return result.changes > 0;
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const [row] = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM approvals WHERE id = ?`, [id]);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Records a decision on a pending approval; false when it was not pending (already decided). */
  async decide(id: string, decision: Decision): Promise<boolean> {
    const result = await this.#db.run(
      "UPDATE approvals SET status = ?, decided_by = ?, note = ?, answer = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
      [decision.status, decision.decidedBy, decision.note, decision.answer, decision.decidedAt, id],
    );
    return result.changes > 0;
  }

  async list(query: { owner?: string; status?: ApprovalStatus; agentId?: string; after?: { createdAt: string; id: string }; limit: number }): Promise<ApprovalRecord[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    for (const [column, value] of [
      ['owner', query.owner],
      ['status', query.status],
      ['agent_id', query.agentId],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (query.after !== undefined) {
      where.push('(created_at > ? OR (created_at = ? AND id > ?))');
      params.push(query.after.createdAt, query.after.createdAt, query.after.id);
    }
    params.push(query.limit);
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM approvals ${clause} ORDER BY created_at, id LIMIT ?`, params);
    return rows.map(fromRow);
  }
}
