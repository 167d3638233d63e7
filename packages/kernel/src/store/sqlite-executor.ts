/**
 * Runs SQL on one node:sqlite connection through a bounded cache of prepared statements, and turns
 * SQLite failures into KernelErrors (constraint → `conflict`, busy → `timeout`, full → `resource_exceeded`).
 * Synchronous by nature; the async surface and the serialisation live in sqlite-database.ts.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { KernelError } from '../contracts/errors.ts';
import type { RunResult, SqlValue } from './database.ts';
import { LruCache } from './lru-cache.ts';

export const DEFAULT_STATEMENT_CACHE_SIZE = 256;

interface SqliteFailure {
  code: string;
  errcode: number;
  errstr: string;
}

function isSqliteFailure(error: unknown): error is Error & SqliteFailure {
  return error instanceof Error && (error as Partial<SqliteFailure>).code === 'ERR_SQLITE_ERROR';
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_FULL = 13;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** Maps a thrown SQLite error to a KernelError; anything else passes through as `internal_error`. */
export function sqliteError(error: unknown): KernelError {
  if (error instanceof KernelError) return error;
  if (isSqliteFailure(error)) {
    const primary = error.errcode & 0xff;
    if (error.errcode === SQLITE_CONSTRAINT_UNIQUE || error.errcode === SQLITE_CONSTRAINT_PRIMARYKEY) {
      return new KernelError('conflict', 'a record with this key already exists', undefined, { cause: error });
    }
    if (error.errcode === SQLITE_CONSTRAINT_FOREIGNKEY) {
      return new KernelError('conflict', 'a referenced record does not exist', undefined, { cause: error });
    }
    if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED) {
      return new KernelError('timeout', 'the database is busy', undefined, { cause: error });
    }
    if (primary === SQLITE_FULL) {
      return new KernelError('resource_exceeded', 'the database or disk is full', undefined, { cause: error });
    }
  }
  return new KernelError('internal_error', 'database error', undefined, { cause: error });
}

export class SqliteExecutor {
  readonly #db: DatabaseSync;
  readonly #statements: LruCache<string, StatementSync>;

  constructor(db: DatabaseSync, cacheSize = DEFAULT_STATEMENT_CACHE_SIZE) {
    this.#db = db;
    this.#statements = new LruCache(cacheSize);
  }

  /** Prepared statements currently cached (bounded by the cache size). */
  get cachedStatements(): number {
    return this.#statements.size;
  }

  all<T>(sql: string, params: readonly SqlValue[]): T[] {
    try {
      return this.#prepare(sql).all(...(params as SQLInputValue[])) as T[];
    } catch (error) {
      throw sqliteError(error);
    }
  }

  run(sql: string, params: readonly SqlValue[]): RunResult {
    try {
      const result = this.#prepare(sql).run(...(params as SQLInputValue[]));
      return { changes: Number(result.changes) };
    } catch (error) {
      throw sqliteError(error);
    }
  }

  /** Runs one or more statements without parameters or caching (transaction control, DDL). */
  exec(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw sqliteError(error);
    }
  }

  clear(): void {
    this.#statements.clear();
  }

  #prepare(sql: string): StatementSync {
    return this.#statements.getOrCreate(sql, (text) => this.#db.prepare(text));
  }
}
