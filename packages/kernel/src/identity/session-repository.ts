/**
 * SQL for browser sessions. A row is keyed by the SHA-256 of the session id (the id itself lives only in
 * the browser's cookie) and carries the session's CSRF token, when it was last seen (idle expiry) and
 * when it ends regardless (absolute expiry). Deletions return the keys they removed so the caller can
 * revoke the principals built on them.
 */
import type { Database } from '../store/database.ts';
import { chunks, marks } from './sql-lists.ts';

export interface SessionRecord {
  readonly idHash: string;
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
}

/** A session with its user's name and current role. */
export interface OwnedSession extends SessionRecord {
  readonly userName: string;
  readonly userRole: string;
}

interface Row {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

function fromRow(row: Row): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

const COLUMNS = 's.id_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at';

export class SessionRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async insert(session: SessionRecord): Promise<void> {
    await this.#db.run('INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
      session.idHash,
      session.userId,
      session.csrfToken,
      session.createdAt,
      session.lastSeenAt,
      session.expiresAt,
    ]);
  }

  async byIdHash(idHash: string): Promise<OwnedSession | undefined> {
    const rows = await this.#db.query<Row & { user_name: string; user_role: string }>(
      `SELECT ${COLUMNS}, u.name AS user_name, u.role AS user_role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
      [idHash],
    );
    const row = rows[0];
    return row === undefined ? undefined : { ...fromRow(row), userName: row.user_name, userRole: row.user_role };
  }

  async touch(idHash: string, now: string): Promise<void> {
    await this.#db.run('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?', [now, idHash]);
  }

  async remove(idHash: string): Promise<boolean> {
    return (await this.#db.run('DELETE FROM sessions WHERE id_hash = ?', [idHash])).changes > 0;
  }

  /** Ends every session of a user; returns their keys. */
  async removeFor(userId: string): Promise<string[]> {
    const rows = await this.#db.query<{ id_hash: string }>('DELETE FROM sessions WHERE user_id = ? RETURNING id_hash', [userId]);
    return rows.map((row) => row.id_hash);
  }

  /** Keeps the user's `keep` newest sessions and ends the rest; returns the keys ended. */
  async trimFor(userId: string, keep: number): Promise<string[]> {
    return this.#db.transaction(async (tx) => {
      // Trimmed on every login, so a user never has many more than `keep` rows to read here.
      const rows = await tx.query<{ id_hash: string }>('SELECT id_hash FROM sessions WHERE user_id = ? ORDER BY created_at DESC, id_hash', [userId]);
      const ended = rows.slice(keep).map((row) => row.id_hash);
      for (const idHash of ended) await tx.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
      return ended;
    });
  }

  /** Ends sessions past their absolute expiry or idle since before `idleCutoff`; returns their keys. */
  async purgeExpired(now: string, idleCutoff: string): Promise<string[]> {
    const rows = await this.#db.query<{ id_hash: string }>('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ? RETURNING id_hash', [
      now,
      idleCutoff,
    ]);
    return rows.map((row) => row.id_hash);
  }

  /** Which of `keys` still name a session (expiry aside). */
  async existing(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of chunks(keys)) {
      const rows = await this.#db.query<{ id_hash: string }>(`SELECT id_hash FROM sessions WHERE id_hash IN (${marks(chunk)})`, chunk);
      for (const row of rows) found.add(row.id_hash);
    }
    return found;
  }
}
