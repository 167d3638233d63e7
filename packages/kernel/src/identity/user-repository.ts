/**
 * SQL for users (store/migrations/003-identity.ts). Besides plain reads and writes it keeps two
 * invariants the database must decide, not the caller: the first admin is created by setup only while no
 * user exists (the `identity_setup` row makes a second racing setup fail), and the last admin can be
 * neither removed nor downgraded (admin rows are locked while counting, so two admins removing each other
 * at once cannot leave none).
 */
import { KernelError } from '../contracts/errors.ts';
import type { Database } from '../store/database.ts';
import { chunks, marks } from './sql-lists.ts';

export const ADMIN_ROLE = 'admin';

export interface UserRecord {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly passwordHash: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, name, role, password_hash, created_at, updated_at';

function fromRow(row: Row): UserRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function insertRow(db: Database, user: UserRecord): Promise<void> {
  await db.run(`INSERT INTO users (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`, [
    user.id,
    user.name,
    user.role,
    user.passwordHash,
    user.createdAt,
    user.updatedAt,
  ]);
}

/** Refuses when `userId` is the only admin. Locks the admin rows on PostgreSQL (SQLite transactions are serial). */
async function guardLastAdmin(tx: Database, userId: string, doing: string): Promise<void> {
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const admins = await tx.query<{ id: string }>(`SELECT id FROM users WHERE role = ?${lock}`, [ADMIN_ROLE]);
  if (admins.length === 1 && admins[0]?.id === userId) {
    throw new KernelError('conflict', `cannot ${doing} the last admin; make another user admin first`);
  }
}

export class UserRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async count(): Promise<number> {
    const rows = await this.#db.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    return Number(rows[0]?.n ?? 0);
  }

  async byName(name: string): Promise<UserRecord | undefined> {
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM users WHERE name = ?`, [name]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  async byId(id: string): Promise<UserRecord | undefined> {
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM users WHERE id = ?`, [id]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** Users by name, at most `limit` after `afterName`. */
  async list(limit: number, afterName = ''): Promise<UserRecord[]> {
    const rows = await this.#db.query<Row>(`SELECT ${COLUMNS} FROM users WHERE name > ? ORDER BY name LIMIT ?`, [afterName, limit]);
    return rows.map(fromRow);
  }

  /** Inserts a user; a taken name is `conflict`. */
  async insert(user: UserRecord): Promise<void> {
    try {
      await insertRow(this.#db, user);
    } catch (error) {
      throw nameTaken(error, user.name);
    }
  }

  /** Inserts the first user through setup; `conflict` once any user exists or setup already ran. */
  async insertFirst(user: UserRecord): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const rows = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
      if (Number(rows[0]?.n ?? 0) > 0) throw setupDone();
      try {
        await tx.run('INSERT INTO identity_setup (id, user_id, completed_at) VALUES (1, ?, ?)', [user.id, user.createdAt]);
      } catch (error) {
        throw error instanceof KernelError && error.code === 'conflict' ? setupDone() : error;
      }
      await insertRow(tx, user);
    });
  }

  /** The current role of each of `ids` that still exists. */
  async roles(ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const chunk of chunks(ids)) {
      const rows = await this.#db.query<{ id: string; role: string }>(`SELECT id, role FROM users WHERE id IN (${marks(chunk)})`, chunk);
      for (const row of rows) found.set(row.id, row.role);
    }
    return found;
  }

  async setPasswordHash(id: string, passwordHash: string, now: string): Promise<boolean> {
    const result = await this.#db.run('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?', [passwordHash, now, id]);
    return result.changes > 0;
  }

  /** Changes a role; `conflict` when it would leave no admin. False when the user does not exist. */
  async setRole(id: string, role: string, now: string): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      if (role !== ADMIN_ROLE) await guardLastAdmin(tx, id, 'downgrade');
      const result = await tx.run('UPDATE users SET role = ?, updated_at = ? WHERE id = ?', [role, now, id]);
      return result.changes > 0;
    });
  }

  /** Removes a user (its tokens and sessions go with it); `conflict` for the last admin. */
  async remove(id: string): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      await guardLastAdmin(tx, id, 'remove');
      const result = await tx.run('DELETE FROM users WHERE id = ?', [id]);
      return result.changes > 0;
    });
  }
}

function setupDone(): KernelError {
  return new KernelError('conflict', 'setup is already done: a user exists; log in, or ask an admin to add you');
}

function nameTaken(error: unknown, name: string): unknown {
  if (error instanceof KernelError && error.code === 'conflict') {
    return new KernelError('conflict', `user "${name}" already exists`, { user: name });
  }
  return error;
}
