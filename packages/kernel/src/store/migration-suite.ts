/**
 * Shared migration behaviour: a fresh store is at the latest version, re-running applies nothing and
 * keeps the data, and a database newer than the code is refused.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { migrate, schemaVersion } from './migrations.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { type StoreFactory, withStore } from './with-store.ts';

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

export function migrationSuite(factory: StoreFactory): void {
  void it('brings a new database to the latest version, recording every migration', () =>
    withStore(factory, async ({ database: db }) => {
      assert.equal(await schemaVersion(db), LATEST);
      const rows = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((row) => [row.version, row.name]),
        MIGRATIONS.map((m) => [m.version, m.name]),
      );
    }));

  void it('applies nothing when run again and keeps existing data', () =>
    withStore(factory, async (store) => {
      await store.events.append('runs/one', [{ type: 'started', data: {} }]);
      assert.deepEqual(await migrate(store.database, MIGRATIONS), { applied: [], version: LATEST });
      assert.deepEqual(await migrate(store.database, MIGRATIONS), { applied: [], version: LATEST });
      assert.equal((await store.events.last('runs/one'))?.seq, 1);
    }));

  void it('refuses a database whose schema is newer than this code with conflict', () =>
    withStore(factory, async ({ database: db }) => {
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [LATEST + 7, 'future', new Date().toISOString()]);
      await assert.rejects(migrate(db, MIGRATIONS), (error) => {
        assert.ok(isKernelError(error, 'conflict'));
        assert.match(error.message, new RegExp(`version ${LATEST + 7}, newer than this Aether knows \\(${LATEST}\\)`));
        return true;
      });
    }));

  void it('applies only the migrations a database is missing', () =>
    withStore(factory, async ({ database: db }) => {
      const next = { version: LATEST + 1, name: 'extra', sqlite: ['CREATE TABLE t_extra (id INTEGER)'], postgres: ['CREATE TABLE t_extra (id INTEGER)'] };
      assert.deepEqual(await migrate(db, [...MIGRATIONS, next]), { applied: [LATEST + 1], version: LATEST + 1 });
      assert.deepEqual(await db.query('SELECT id FROM t_extra'), []);
    }));
}
