/**
 * Versioned schema migrations. Each domain contributes migrations (store/migrations/NNN-name.ts) with the
 * SQL for both dialects; they are applied in version order, each in its own transaction together with its
 * row in `schema_migrations`, so a crash leaves the schema at a known version. Re-running is a no-op.
 * A database whose version is newer than this code knows is refused (`conflict`): running old code on a
 * newer schema could corrupt it. On PostgreSQL an advisory lock lets several nodes start at once.
 */
import { KernelError } from '../contracts/errors.ts';
import type { Database } from './database.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

export interface MigrationResult {
  /** Versions applied by this call, in order. */
  readonly applied: readonly number[];
  /** The database's version afterwards. */
  readonly version: number;
}

const CREATE_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';
/** Two-key advisory lock: a fixed namespace plus the current schema, so isolated schemas don't contend. */
const PG_LOCK = 'SELECT pg_advisory_xact_lock(1095062593, hashtext(current_schema()))';

/** Checks that a migration list is well formed: positive, strictly increasing versions, SQL for both dialects. */
export function validateMigrations(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isSafeInteger(migration.version) || migration.version <= previous) {
      throw new TypeError(`migration ${migration.version} (${migration.name}) is out of order: versions must increase from 1`);
    }
    if (migration.sqlite.length === 0 || migration.postgres.length === 0) {
      throw new TypeError(`migration ${migration.version} (${migration.name}) needs SQL for both sqlite and postgres`);
    }
    previous = migration.version;
  }
}

async function lockAndRead(tx: Database): Promise<Set<number>> {
  if (tx.dialect === 'postgres') await tx.query(PG_LOCK);
  await tx.run(CREATE_TABLE);
  const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return new Set(rows.map((row) => Number(row.version)));
}

function refuseNewer(applied: ReadonlySet<number>, migrations: readonly Migration[]): void {
  const known = new Set(migrations.map((m) => m.version));
  const latest = migrations.at(-1)?.version ?? 0;
  const unknown = [...applied].filter((version) => !known.has(version)).sort((a, b) => a - b);
  const newest = unknown.at(-1);
  if (newest !== undefined) {
    const message =
      newest > latest
        ? `the database schema is at version ${newest}, newer than this Aether knows (${latest}); upgrade Aether or use another database`
        : `the database has schema version ${newest}, which this Aether does not know; it was written by a different build`;
    throw new KernelError('conflict', message, { databaseVersion: Math.max(...applied), codeVersion: latest });
  }
}

export async function migrate(db: Database, migrations: readonly Migration[]): Promise<MigrationResult> {
  validateMigrations(migrations);
  const initial = await db.transaction(async (tx) => lockAndRead(tx));
  refuseNewer(initial, migrations);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (initial.has(migration.version)) continue;
    const didApply = await db.transaction(async (tx) => {
      // Another node may have applied it since we looked: re-read under the lock.
      const current = await lockAndRead(tx);
      refuseNewer(current, migrations);
      if (current.has(migration.version)) return false;
      for (const statement of db.dialect === 'sqlite' ? migration.sqlite : migration.postgres) {
        await tx.run(statement);
      }
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return { applied, version: migrations.at(-1)?.version ?? 0 };
}

/** The highest applied version (0 for an empty database). */
export async function schemaVersion(db: Database): Promise<number> {
  await db.run(CREATE_TABLE);
  const rows = await db.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  return Number(rows[0]?.version ?? 0);
}
