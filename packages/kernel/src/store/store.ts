/**
 * The store: one database (embedded SQLite by default, PostgreSQL when a URL is given — DESIGN §1.6),
 * migrated to the current schema, with the repositories built on it. `openStore` is the only place that
 * chooses the engine; everything else sees the dialect-neutral Database.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { type AuditRepository, SqlAuditRepository } from './audit-repository.ts';
import type { Database } from './database.ts';
import { type EventLog, SqlEventLog } from './event-log.ts';
import { migrate } from './migrations.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { PostgresDatabase } from './postgres-database.ts';
import { SqliteDatabase } from './sqlite-database.ts';

export interface Store {
  readonly database: Database;
  readonly events: EventLog;
  readonly audit: AuditRepository;
  close(): Promise<void>;
  health(): Promise<{ ok: boolean; dialect: string }>;
}

export interface StoreOptions {
  /** Where the SQLite file lives (`<dataDir>/aether.db`); created with mode 0700 if missing. */
  dataDir: string;
  /** `postgres://…`: use PostgreSQL instead of the embedded file. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema (search_path) to use; must exist. Tests isolate themselves with it. */
  schema?: string;
  /** PostgreSQL pool size. Default 10. */
  maxConnections?: number;
}

export const SQLITE_FILE = 'aether.db';

function openSqlite(dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SQLITE_FILE);
  // Create the file owner-only before SQLite does (its -wal and -shm files copy these permissions).
  closeSync(openSync(file, 'a', 0o600));
  return new SqliteDatabase({ path: file });
}

/** Builds a store on an open database, migrating it first. The store owns the database from here on. */
export async function createStore(database: Database): Promise<Store> {
  try {
    await migrate(database, MIGRATIONS);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    database,
    events: new SqlEventLog(database),
    audit: new SqlAuditRepository(database),
    close: () => database.close(),
    health: async () => {
      try {
        await database.query('SELECT 1 AS ok');
        return { ok: true, dialect: database.dialect };
      } catch {
        return { ok: false, dialect: database.dialect };
      }
    },
  };
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const database =
    options.databaseUrl === undefined
      ? openSqlite(options.dataDir)
      : new PostgresDatabase({
          url: options.databaseUrl,
          ...(options.schema === undefined ? {} : { schema: options.schema }),
          ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
        });
  return createStore(database);
}
