/**
 * SQL for API tokens. A token row holds the SHA-256 of its secret (looked up by it), its owner, its
 * capabilities as a JSON array of canonical strings, and optional expiry. Lookups join the owner so one
 * query answers "whose token is this and what role do they have now". Revoking deletes the row.
 */
import { KernelError } from '../contracts/errors.ts';
import type { Database } from '../store/database.ts';
import { chunks, marks } from './sql-lists.ts';

export interface TokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly secretHash: string;
  readonly capabilities: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string | undefined;
  readonly lastUsedAt: string | undefined;
}

/** A token with its owner's name and current role. */
export interface OwnedToken extends TokenRecord {
  readonly userName: string;
  readonly userRole: string;
}

interface Row {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  capabilities: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

const COLUMNS = 't.id, t.user_id, t.name, t.secret_hash, t.capabilities, t.created_at, t.expires_at, t.last_used_at';

function parseCapabilities(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new KernelError('internal_error', 'a stored token has malformed capabilities');
  }
  return value;
}

function fromRow(row: Row): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    secretHash: row.secret_hash,
    capabilities: parseCapabilities(row.capabilities),
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? undefined,
    lastUsedAt: row.last_used_at ?? undefined,
  };
}

export class TokenRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts a token; a name the owner already uses is `conflict`. */
  async insert(token: TokenRecord): Promise<void> {
    try {
      await this.#db.run(
        'INSERT INTO api_tokens (id, user_id, name, secret_hash, capabilities, created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [token.id, token.userId, token.name, token.secretHash, JSON.stringify(token.capabilities), token.createdAt, token.expiresAt ?? null, null],
      );
    } catch (error) {
      if (error instanceof KernelError && error.code === 'conflict') {
        throw new KernelError('conflict', `a token named "${token.name}" already exists; pick another name or revoke it first`, { name: token.name });
      }
      throw error;
    }
  }

  async countFor(userId: string): Promise<number> {
    const rows = await this.#db.query<{ n: number }>('SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ?', [userId]);
    return Number(rows[0]?.n ?? 0);
  }

  async bySecretHash(secretHash: string): Promise<OwnedToken | undefined> {
    const rows = await this.#db.query<Row & { user_name: string; user_role: string }>(
      `SELECT ${COLUMNS}, u.name AS user_name, u.role AS user_role FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.secret_hash = ?`,
      [secretHash],
    );
    const row = rows[0];
    return row === undefined ? undefined : { ...fromRow(row), userName: row.user_name, userRole: row.user_role };
  }

  async byId(id: string): Promise<TokenRecord | undefined> {
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM api_tokens t WHERE t.id = ?`, [id]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  async listFor(userId: string): Promise<TokenRecord[]> {
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created_at, t.id`, [userId]);
    return rows.map(fromRow);
  }

  /** Deletes the token; false when it was not there. */
  async remove(id: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM api_tokens WHERE id = ?', [id])).changes > 0;
  }

  async touch(id: string, now: string): Promise<void> {
    await this.#db.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [now, id]);
  }

  /** Deletes tokens that expired before `now`; returns their ids. */
  async purgeExpired(now: string): Promise<string[]> {
    const rows = await this.#db.query<{ id: string }>('DELETE FROM api_tokens WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING id', [now]);
    return rows.map((row) => row.id);
  }

  /** Which of `ids` still name a token that has not expired by `now`. */
  async existing(ids: readonly string[], now: string): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(ids)) {
      const rows = await this.#db.query<{ id: string }>(
        `SELECT id FROM api_tokens WHERE id IN (${marks(chunk)}) AND (expires_at IS NULL OR expires_at > ?)`,
        [...chunk, now],
      );
      for (const row of rows) found.add(row.id);
    }
    return found;
  }
}
