/**
 * Identity (DESIGN §5): `users` (scrypt hash with its parameters, role), `api_tokens` (SHA-256 of the
 * secret, never the secret; capabilities as a JSON array), `sessions` (SHA-256 of the session id, CSRF
 * token, idle and absolute expiry) and `identity_setup` (one row once the first admin was set up, so two
 * racing setups cannot both succeed). Removing a user removes its tokens and sessions (ON DELETE CASCADE).
 * Times are ISO-8601 UTC text compared bytewise (COLLATE "C" on PostgreSQL).
 */
import type { Migration } from '../migrations.ts';

function tables(time: string): string[] {
  return [
    `CREATE TABLE users (
       id TEXT PRIMARY KEY,
       name TEXT NOT NULL UNIQUE,
       role TEXT NOT NULL,
       password_hash TEXT NOT NULL,
       created_at ${time} NOT NULL,
       updated_at ${time} NOT NULL
     )`,
    'CREATE INDEX users_role ON users (role)',
    `CREATE TABLE api_tokens (
       id TEXT PRIMARY KEY,
       user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       name TEXT NOT NULL,
       secret_hash TEXT NOT NULL UNIQUE,
       capabilities TEXT NOT NULL,
       created_at ${time} NOT NULL,
       expires_at ${time},
       last_used_at ${time},
       UNIQUE (user_id, name)
     )`,
    'CREATE INDEX api_tokens_expires ON api_tokens (expires_at)',
    `CREATE TABLE sessions (
       id_hash TEXT PRIMARY KEY,
       user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
       csrf_token TEXT NOT NULL,
       created_at ${time} NOT NULL,
       last_seen_at ${time} NOT NULL,
       expires_at ${time} NOT NULL
     )`,
    'CREATE INDEX sessions_user ON sessions (user_id, created_at)',
    'CREATE INDEX sessions_expires ON sessions (expires_at)',
    `CREATE TABLE identity_setup (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       user_id TEXT NOT NULL,
       completed_at ${time} NOT NULL
     )`,
  ];
}

export const identityMigration: Migration = {
  version: 3,
  name: 'identity',
  sqlite: tables('TEXT'),
  postgres: tables('TEXT COLLATE "C"'),
};
