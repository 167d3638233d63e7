/**
 * Agents (DESIGN §6): `agents` is the process table's index — one row per agent with its owner, parent,
 * depth and a coarse status, for listing and for finding the agents to resume at start. The agent's own
 * event log (`events`, stream `agent:<id>`) is the truth; the row is updated after the log, so it can lag
 * but never lead (a resumed agent corrects it). `approvals` holds pending and decided approvals and
 * ask_human questions, so they survive restarts; ids are derived from the tool call's idempotency key.
 * Times are ISO-8601 UTC text compared bytewise (COLLATE "C" on PostgreSQL).
 */
import type { Migration } from '../migrations.ts';

function tables(time: string, text: string): string[] {
  return [
    `CREATE TABLE agents (
       id ${text} PRIMARY KEY,
       name TEXT NOT NULL,
       owner ${text} NOT NULL,
       parent_id ${text},
       depth INTEGER NOT NULL,
       lifecycle TEXT NOT NULL,
       status ${text} NOT NULL,
       created_at ${time} NOT NULL,
       updated_at ${time} NOT NULL
     )`,
    'CREATE INDEX agents_owner ON agents (owner, created_at, id)',
    'CREATE INDEX agents_status ON agents (status, depth, id)',
    'CREATE INDEX agents_parent ON agents (parent_id)',
    `CREATE TABLE approvals (
       id ${text} PRIMARY KEY,
       kind TEXT NOT NULL CHECK (kind IN ('tool', 'question')),
       agent_id ${text} NOT NULL,
       owner ${text} NOT NULL,
       call_id TEXT NOT NULL,
       tool TEXT NOT NULL,
       capability TEXT,
       summary TEXT NOT NULL,
       status ${text} NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
       decided_by TEXT,
       note TEXT,
       answer TEXT,
       created_at ${time} NOT NULL,
       expires_at ${time},
       decided_at ${time}
     )`,
    'CREATE INDEX approvals_owner ON approvals (owner, status, created_at, id)',
    'CREATE INDEX approvals_agent ON approvals (agent_id, status)',
    'CREATE INDEX approvals_expiry ON approvals (status, expires_at)',
  ];
}

export const agentsMigration: Migration = {
  version: 4,
  name: 'agents',
  sqlite: tables('TEXT', 'TEXT'),
  postgres: tables('TEXT COLLATE "C"', 'TEXT COLLATE "C"'),
};
