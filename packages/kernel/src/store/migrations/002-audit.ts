/**
 * The audit log (DESIGN §5): `audit_log` holds the hash-chained records, keyed by seq; `audit_chain` is a
 * single row with the head (seq + hash of the newest record, updated in the same transaction as each
 * append, so a deleted tail is detectable) and the anchor (seq + hash of the last pruned record, so the
 * remaining chain still verifies after retention). Records cannot be updated (a trigger refuses it);
 * deletion is how retention works and what the verifier detects anywhere else.
 */
import type { Migration } from '../migrations.ts';

export const GENESIS_HASH = '0'.repeat(64);

export const auditMigration: Migration = {
  version: 2,
  name: 'audit',
  sqlite: [
    `CREATE TABLE audit_log (
       seq INTEGER PRIMARY KEY,
       time TEXT NOT NULL,
       principal TEXT NOT NULL,
       kind TEXT NOT NULL,
       action TEXT NOT NULL,
       decision TEXT CHECK (decision IN ('allow', 'deny')),
       data TEXT NOT NULL,
       prev_hash TEXT NOT NULL,
       hash TEXT NOT NULL
     )`,
    'CREATE INDEX audit_log_principal ON audit_log (principal, time, seq)',
    'CREATE INDEX audit_log_kind ON audit_log (kind, time, seq)',
    'CREATE INDEX audit_log_time ON audit_log (time, seq)',
    `CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`,
    `CREATE TABLE audit_chain (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       head_seq INTEGER NOT NULL,
       head_hash TEXT NOT NULL,
       anchor_seq INTEGER NOT NULL,
       anchor_hash TEXT NOT NULL
     )`,
    `INSERT INTO audit_chain (id, head_seq, head_hash, anchor_seq, anchor_hash) VALUES (1, 0, '${GENESIS_HASH}', 0, '${GENESIS_HASH}')`,
  ],
  postgres: [
    `CREATE TABLE audit_log (
       seq BIGINT PRIMARY KEY,
       time TEXT COLLATE "C" NOT NULL,
       principal TEXT NOT NULL,
       kind TEXT NOT NULL,
       action TEXT NOT NULL,
       decision TEXT CHECK (decision IN ('allow', 'deny')),
       data TEXT NOT NULL,
       prev_hash TEXT NOT NULL,
       hash TEXT NOT NULL
     )`,
    'CREATE INDEX audit_log_principal ON audit_log (principal, time, seq)',
    'CREATE INDEX audit_log_kind ON audit_log (kind, time, seq)',
    'CREATE INDEX audit_log_time ON audit_log (time, seq)',
    `CREATE FUNCTION audit_log_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$`,
    `CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
     FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_update()`,
    `CREATE TABLE audit_chain (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       head_seq BIGINT NOT NULL,
       head_hash TEXT NOT NULL,
       anchor_seq BIGINT NOT NULL,
       anchor_hash TEXT NOT NULL
     )`,
    `INSERT INTO audit_chain (id, head_seq, head_hash, anchor_seq, anchor_hash) VALUES (1, 0, '${GENESIS_HASH}', 0, '${GENESIS_HASH}')`,
  ],
};
