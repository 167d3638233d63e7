/**
 * Test fixture for the identity suites: the same tests run against a real SQLite file and a real
 * PostgreSQL schema (skipped with a reason when PostgreSQL is not reachable, required in CI), each with a
 * real audit log and a clock the test moves by hand (no sleeping).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import type { Database } from '../store/database.ts';
import { PostgresDatabase } from '../store/postgres-database.ts';
import { type Store, openStore } from '../store/store.ts';
import { skipUnless, TEST_DATABASE_URL } from '../testing/services.ts';
import { createIdentity, type Identity, type IdentityOptions } from './identity.ts';

export class ManualClock {
  #now: number;

  constructor(start = Date.parse('2030-01-01T00:00:00.000Z')) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  advance(ms: number): void {
    this.#now += ms;
  }
}

export interface Fixture {
  readonly identity: Identity;
  readonly audit: AuditLog;
  readonly clock: ManualClock;
  readonly dataDir: string;
  readonly database: Database;
  /** Another kernel node on the same database (its own live grants, throttle and caches). */
  secondNode(): Identity;
  close(): Promise<void>;
}

export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  /** False when the engine is available, else why the suite is skipped. */
  readonly skip: string | false;
  open(options?: Partial<IdentityOptions>): Promise<Fixture>;
}

function build(store: Store, dataDir: string, options: Partial<IdentityOptions>, cleanup: () => Promise<void>): Fixture {
  const clock = new ManualClock();
  const audit = new AuditLog(store.audit, { now: () => new Date(clock.now()) });
  const make = (): Identity => createIdentity({ database: store.database, audit, dataDir, now: clock.now, ...options });
  return {
    identity: make(),
    audit,
    clock,
    dataDir,
    database: store.database,
    secondNode: make,
    close: async () => {
      await store.close();
      await cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'aether-identity-'));
}

/** SQLite always; PostgreSQL when reachable (skipped with a reason otherwise, unless CI requires it). */
export async function engines(): Promise<Engine[]> {
  const pgSkip = await skipUnless('postgres', TEST_DATABASE_URL);
  return [
    {
      name: 'sqlite',
      skip: false,
      open: async (options = {}) => {
        const dataDir = await tempDir();
        return build(await openStore({ dataDir }), dataDir, options, () => Promise.resolve());
      },
    },
    {
      name: 'postgres',
      skip: pgSkip,
      open: async (options = {}) => {
        const dataDir = await tempDir();
        const schema = `identity_${randomBytes(6).toString('hex')}`;
        const admin = new PostgresDatabase({ url: TEST_DATABASE_URL, maxConnections: 1 });
        await admin.run(`CREATE SCHEMA ${schema}`);
        const store = await openStore({ dataDir, databaseUrl: TEST_DATABASE_URL, schema, maxConnections: 4 });
        return build(store, dataDir, options, async () => {
          await admin.run(`DROP SCHEMA ${schema} CASCADE`);
          await admin.close();
        });
      },
    },
  ];
}

/** A password that passes the policy. */
export const GOOD_PASSWORD = 'correct horse battery';

/** Runs `body` against every engine, with an explicit fixture per test. */
export async function withEachEngine(body: (engine: Engine) => void): Promise<void> {
  for (const engine of await engines()) body(engine);
}

/** Opens a fixture, runs `fn`, and closes it whatever happens. */
export async function using<T>(engine: Engine, fn: (fixture: Fixture) => Promise<T>, options: Partial<IdentityOptions> = {}): Promise<T> {
  const fixture = await engine.open(options);
  try {
    return await fn(fixture);
  } finally {
    await fixture.close();
  }
}

/** The audit records of kind `auth` with this action, oldest first. */
export async function authRecords(audit: AuditLog, action: string): Promise<{ principal: string; decision?: string; data: Record<string, unknown> }[]> {
  const page = await audit.query({ kind: 'auth', limit: 1000 });
  return page.records.filter((record) => record.action === action);
}
