/**
 * The scale-out adapter: PostgreSQL through a bounded `pg` pool. `?` placeholders are rewritten to `$n`
 * (cached), BIGINT comes back as a JS number, errors are mapped by SQLSTATE (unique violation → `conflict`).
 * A transaction owns one pooled client from BEGIN to COMMIT/ROLLBACK; nested transactions use savepoints.
 * `schema` selects the search_path, which is how test runs isolate themselves.
 */
import pg from 'pg';
import type { Database, RunResult, SqlValue } from './database.ts';
import { LruCache } from './lru-cache.ts';
import { poolError, postgresError } from './postgres-errors.ts';
import { SavepointScope } from './savepoint.ts';
import { toPostgresPlaceholders } from './sql-placeholders.ts';

export interface PostgresOptions {
  /** `postgres://…` connection string. */
  url: string;
  /** Schema to use as the search_path (must already exist). Default: the server's default path. */
  schema?: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** Per-statement limit. Default 30 s. */
  statementTimeoutMs?: number;
  /** How long to wait for a free pooled connection before `resource_exceeded`. Default 10 s. */
  connectionTimeoutMs?: number;
  /** Called when an idle pooled connection fails (the pool drops it; the next query reconnects). */
  onIdleError?: (error: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;
const rewritten = new LruCache<string, string>(1024);

function parseInt8(value: string): number {
  return Number(value);
}

type Queryable = pg.Pool | pg.PoolClient;

async function execute<T>(target: Queryable, sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
  const text = params.length === 0 ? sql : rewritten.getOrCreate(sql, (raw) => toPostgresPlaceholders(raw).text);
  try {
    return await target.query<T & pg.QueryResultRow>(text, params as SqlValue[]);
  } catch (error) {
    throw postgresError(error);
  }
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  #closed = false;

  constructor(options: PostgresOptions) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new TypeError(`invalid PostgreSQL schema name ${JSON.stringify(options.schema)}`);
    }
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      application_name: 'aether',
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
      types: {
        getTypeParser: (oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID && format !== 'binary' ? parseInt8 : (pg.types.getTypeParser(oid, format) as unknown),
      },
    });
    const onIdleError = options.onIdleError ?? (() => undefined);
    this.#pool.on('error', onIdleError);
  }

  async query<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.#assertOpen();
    return (await execute<T>(this.#pool, sql, params)).rows as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    this.#assertOpen();
    return { changes: (await execute(this.#pool, sql, params)).rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    this.#assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw poolError(error);
    }
    let broken: Error | undefined;
    const tx = new PostgresTransaction(client, 0);
    try {
      await execute(client, 'BEGIN', []);
      try {
        const result = await fn(tx);
        await execute(client, 'COMMIT', []);
        return result;
      } catch (error) {
        await execute(client, 'ROLLBACK', []).catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error('rollback failed');
        });
        throw error;
      }
    } finally {
      tx.finish();
      // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the database is closed');
  }
}

/** The handle a transaction function receives: every statement runs on the transaction's own client. */
class PostgresTransaction implements Database {
  readonly dialect = 'postgres' as const;
  readonly #client: pg.PoolClient;
  readonly #depth: number;
  readonly #savepoints: SavepointScope;
  #active = true;

  constructor(client: pg.PoolClient, depth: number) {
    this.#client = client;
    this.#depth = depth;
    this.#savepoints = new SavepointScope(async (sql) => {
      this.#assertActive();
      await execute(client, sql, []);
    }, depth);
  }

  finish(): void {
    this.#active = false;
  }

  async query<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.#assertActive();
    return (await execute<T>(this.#client, sql, params)).rows as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    this.#assertActive();
    return { changes: (await execute(this.#client, sql, params)).rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    this.#assertActive();
    const child = new PostgresTransaction(this.#client, this.#depth + 1);
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
