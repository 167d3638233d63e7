/**
 * Shared behaviour of both Database adapters: parameters and placeholders, integers as numbers,
 * transactions that commit or roll back as a whole, savepoints, error mapping, finished handles.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import type { Database } from './database.ts';
import { type StoreFactory, withStore } from './with-store.ts';

async function itemsTable(db: Database): Promise<void> {
  await db.run('CREATE TABLE t_items (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
}

async function names(db: Database): Promise<string[]> {
  return (await db.query<{ name: string }>('SELECT name FROM t_items ORDER BY id')).map((row) => row.name);
}

export function databaseSuite(factory: StoreFactory): void {
  void it('binds ? parameters but leaves a ? inside a string literal alone', () =>
    withStore(factory, async ({ database: db }) => {
      await itemsTable(db);
      await db.run('INSERT INTO t_items (id, name) VALUES (?, ?)', [1, 'what?']);
      const rows = await db.query<{ name: string }>("SELECT name FROM t_items WHERE name = ? AND 'a?b' = 'a?b'", ['what?']);
      assert.deepEqual(rows.map((row) => row.name), ['what?']);
    }));

  void it('returns integers, including counts, as numbers', () =>
    withStore(factory, async ({ database: db }) => {
      await itemsTable(db);
      await db.run('INSERT INTO t_items (id, name) VALUES (?, ?)', [9_007_199_254, 'big']);
      const [row] = await db.query<{ id: unknown; n: unknown }>('SELECT MAX(id) AS id, COUNT(*) AS n FROM t_items');
      assert.deepEqual({ ...row }, { id: 9_007_199_254, n: 1 });
    }));

  void it('reports how many rows a statement changed', () =>
    withStore(factory, async ({ database: db }) => {
      await itemsTable(db);
      await db.run('INSERT INTO t_items (id, name) VALUES (1, ?), (2, ?)', ['a', 'b']);
      assert.equal((await db.run('DELETE FROM t_items WHERE id > ?', [0])).changes, 2);
    }));

  void it('commits a transaction when its function resolves', () =>
    withStore(factory, async ({ database: db }) => {
      await itemsTable(db);
      const result = await db.transaction(async (tx) => {
        await tx.run('INSERT INTO t_items (id, name) VALUES (1, ?)', ['a']);
        await tx.run('INSERT INTO t_items (id, name) VALUES (2, ?)', ['b']);
        return 'done';
      });
      assert.equal(result, 'done');
      assert.deepEqual(await names(db), ['a', 'b']);
    }));

  void it('rolls back every statement of a transaction whose function throws', () =>
    withStore(factory, async ({ database: db }) => {
      await itemsTable(db);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO t_items (id, name) VALUES (1, ?)', ['a']);
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.deepEqual(await names(db), []);
    }));

  void it('rolls back only the nested savepoint when a nested transaction throws', () =>
    withStore(factory, async ({ database: db }) => {
      await itemsTable(db);
      await db.transaction(async (tx) => {
        await tx.run('INSERT INTO t_items (id, name) VALUES (1, ?)', ['outer']);
        await assert.rejects(
          tx.transaction(async (inner) => {
            await inner.run('INSERT INTO t_items (id, name) VALUES (2, ?)', ['inner']);
            throw new Error('inner fails');
          }),
        );
        await tx.transaction(async (inner) => inner.run('INSERT INTO t_items (id, name) VALUES (3, ?)', ['kept']));
      });
      assert.deepEqual(await names(db), ['outer', 'kept']);
    }));

  void it('maps a unique violation to conflict, inside and outside a transaction', () =>
    withStore(factory, async ({ database: db }) => {
      await itemsTable(db);
      await db.run('INSERT INTO t_items (id, name) VALUES (1, ?)', ['a']);
      await assert.rejects(db.run('INSERT INTO t_items (id, name) VALUES (2, ?)', ['a']), (error) => isKernelError(error, 'conflict'));
      await assert.rejects(
        db.transaction((tx) => tx.run('INSERT INTO t_items (id, name) VALUES (1, ?)', ['b'])),
        (error) => isKernelError(error, 'conflict'),
      );
      assert.deepEqual(await names(db), ['a']);
    }));

  void it('refuses a transaction handle once its transaction has finished', () =>
    withStore(factory, async ({ database: db }) => {
      let leaked: Database | undefined;
      await db.transaction((tx) => {
        leaked = tx;
        return Promise.resolve();
      });
      await assert.rejects((leaked as Database).query('SELECT 1 AS one'), /already finished/);
    }));

  void it('refuses a second nested transaction opened concurrently on the same handle', () =>
    withStore(factory, async ({ database: db }) => {
      await db.transaction(async (tx) => {
        const first = tx.transaction(async (inner) => inner.query('SELECT 1 AS one'));
        await assert.rejects(tx.transaction(async (inner) => inner.query('SELECT 1 AS one')), /already open/);
        await first;
      });
    }));

  void it('refuses calls after close', async () => {
    const store = await factory();
    await store.close();
    await assert.rejects(store.database.query('SELECT 1 AS one'), /closed/);
  });

  void it('reports itself healthy with its dialect', () =>
    withStore(factory, async (store) => {
      assert.deepEqual(await store.health(), { ok: true, dialect: store.database.dialect });
    }));
}
