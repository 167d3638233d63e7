/**
 * The thin, dialect-neutral SQL interface every repository is written against (DESIGN §2, "SQL layer").
 * SQL uses `?` placeholders in both dialects; adapters translate. Rows come back as plain objects whose
 * integers are JS numbers in both dialects (the PostgreSQL adapter parses BIGINT), so repositories do
 * not branch on the engine except where the SQL itself must differ.
 */

/** A value that can be bound to a `?` placeholder. */
export type SqlValue = string | number | bigint | null | Uint8Array;

export type Dialect = 'sqlite' | 'postgres';

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  readonly changes: number;
}

export interface Database {
  readonly dialect: Dialect;
  /** Runs a statement that returns rows (SELECT, or DML with RETURNING). */
  query<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement for its effect. */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /**
   * Runs fn inside one transaction: committed when fn resolves, rolled back when it throws. Use only the
   * `tx` handle inside fn. Calling `transaction` on a `tx` nests through a savepoint.
   */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  /** Waits for running work and releases the connection(s). Further calls fail. */
  close(): Promise<void>;
}
