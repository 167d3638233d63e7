/**
 * The embedded adapter: one node:sqlite connection (WAL, busy timeout, foreign keys on) behind the async
 * Database interface. node:sqlite is synchronous and a connection has one transaction, so transactions are
 * serialised: while one is open every other caller waits its turn (FIFO), so nothing interleaves into it.
 * Outside a transaction a statement runs at once. Using the outer handle from inside its own transaction
 * (instead of `tx`) would wait forever; it is refused with a clear error instead.
 *
 * Durability: WAL with `synchronous = NORMAL` — a committed transaction survives the process being killed;
 * only an OS crash or power loss may lose the last commits (never corrupts the file).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DatabaseSync } from 'node:sqlite';
import type { Database, RunResult, SqlValue } from './database.ts';
import { Mutex, type Release } from './async-mutex.ts';
import { SavepointScope } from './savepoint.ts';
import { DEFAULT_STATEMENT_CACHE_SIZE, SqliteExecutor, sqliteError } from './sqlite-executor.ts';

export interface SqliteOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** How long a statement waits for another process's lock before failing with `timeout`. Default 5000. */
  busyTimeoutMs?: number;
  /** Prepared statements kept per connection. Default 256. */
  statementCacheSize?: number;
}

interface TransactionToken {
  active: boolean;
}

export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  readonly #db: DatabaseSync;
  readonly #exec: SqliteExecutor;
  readonly #mutex = new Mutex();
  readonly #context = new AsyncLocalStorage<TransactionToken>();
  #closed = false;

  constructor(options: SqliteOptions) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    try {
      this.#db = new DatabaseSync(options.path, { enableForeignKeyConstraints: true, timeout: busyTimeoutMs });
      this.#db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = ${busyTimeoutMs};`);
    } catch (error) {
      throw sqliteError(error);
    }
    this.#exec = new SqliteExecutor(this.#db, options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE);
  }

  /** Prepared statements currently cached. */
  get cachedStatements(): number {
    return this.#exec.cachedStatements;
  }

  async query<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.#assertOpen();
    if (!this.#mutex.locked) return this.#exec.all<T>(sql, params);
    const release = await this.#turn();
    try {
      this.#assertOpen();
      return this.#exec.all<T>(sql, params);
    } finally {
      release();
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    this.#assertOpen();
    if (!this.#mutex.locked) return this.#exec.run(sql, params);
    const release = await this.#turn();
    try {
      this.#assertOpen();
      return this.#exec.run(sql, params);
    } finally {
      release();
    }
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const release = await this.#turn();
    try {
      this.#assertOpen();
      // IMMEDIATE takes the write lock up front, so another process cannot make us fail half-way.
      this.#exec.exec('BEGIN IMMEDIATE');
      const token: TransactionToken = { active: true };
      const tx = new SqliteTransaction(this.#exec, 0);
      try {
        const result = await this.#context.run(token, () => fn(tx));
        this.#exec.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#db.isTransaction) this.#exec.exec('ROLLBACK');
        throw error;
      } finally {
        token.active = false;
        tx.finish();
      }
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    const release = await this.#turn();
    try {
      if (this.#closed) return;
      this.#closed = true;
      this.#exec.clear();
      this.#db.close();
    } finally {
      release();
    }
  }

  #turn(): Promise<Release> {
    if (this.#mutex.locked && this.#context.getStore()?.active === true) {
      return Promise.reject(
        new Error('this database is already in a transaction opened by the calling code; use the `tx` handle passed to transaction()'),
      );
    }
    return this.#mutex.acquire();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the database is closed');
  }
}

/** The handle a transaction function receives: runs directly on the connection while the transaction lives. */
class SqliteTransaction implements Database {
  readonly dialect = 'sqlite' as const;
  readonly #exec: SqliteExecutor;
  readonly #depth: number;
  readonly #savepoints: SavepointScope;
  #active = true;

  constructor(exec: SqliteExecutor, depth: number) {
    this.#exec = exec;
    this.#depth = depth;
    this.#savepoints = new SavepointScope((sql) => {
      this.#assertActive();
      exec.exec(sql);
      return Promise.resolve();
    }, depth);
  }

  finish(): void {
    this.#active = false;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so a failure is a rejection, not a throw
  async query<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.#assertActive();
    return this.#exec.all<T>(sql, params);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so a failure is a rejection, not a throw
  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    this.#assertActive();
    return this.#exec.run(sql, params);
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    this.#assertActive();
    const child = new SqliteTransaction(this.#exec, this.#depth + 1);
    try {
      return await this.#savepoints.run(() => fn(child));
    } finally {
      child.finish();
    }
  }

  close(): Promise<void> {
    return Promise.reject(new Error('a transaction handle cannot be closed; close the database'));
  }

  #assertActive(): void {
    if (!this.#active) throw new Error('this transaction has already finished');
  }
}
