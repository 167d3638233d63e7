/**
 * What only the embedded adapter has to get right: one synchronous connection shared by async callers.
 * A transaction is never interleaved with other callers' statements, the outer handle used from inside
 * its own transaction is refused instead of deadlocking, the statement cache stays bounded, and the file
 * is opened in WAL mode with foreign keys on and owner-only permissions.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteDatabase } from './sqlite-database.ts';
import { SQLITE_FILE, openStore } from './store.ts';

void describe('SqliteDatabase', () => {
  let db: SqliteDatabase;
  before(async () => {
    db = new SqliteDatabase({ path: ':memory:', statementCacheSize: 4 });
    await db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  });
  after(() => db.close());

  void it('makes other callers wait while a transaction is open, so nothing interleaves into it', async () => {
    await db.run('DELETE FROM t');
    const order: string[] = [];
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    const tx = db.transaction(async (handle) => {
      await handle.run("INSERT INTO t (id, v) VALUES (1, 'uncommitted')");
      inside();
      await gate;
      await handle.run("UPDATE t SET v = 'committed' WHERE id = 1");
      order.push('tx done');
    });
    await entered;
    const read = db.query<{ v: string }>('SELECT v FROM t').then((rows) => {
      order.push('read');
      return rows.map((row) => row.v);
    });
    const write = db.run("INSERT INTO t (id, v) VALUES (2, 'other')").then(() => order.push('write'));
    proceed();
    await Promise.all([tx, write]);
    assert.deepEqual(await read, ['committed']);
    assert.deepEqual(order, ['tx done', 'read', 'write']);
  });

  void it('serves queued callers even when the transaction rolls back', async () => {
    await db.run('DELETE FROM t');
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const tx = db.transaction(async (handle) => {
      await handle.run("INSERT INTO t (id, v) VALUES (1, 'gone')");
      inside();
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('abort');
    });
    await entered;
    const read = db.query<{ n: number }>('SELECT COUNT(*) AS n FROM t');
    await assert.rejects(tx, /abort/);
    assert.deepEqual((await read).map((row) => row.n), [0]);
  });

  void it('refuses the outer handle inside its own transaction instead of waiting forever', async () => {
    await assert.rejects(
      db.transaction(async () => db.query('SELECT 1 AS one')),
      /already in a transaction opened by the calling code; use the `tx` handle/,
    );
    assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).map((row) => row.one), [1]);
  });

  void it('keeps the prepared statement cache bounded', async () => {
    for (let i = 0; i < 20; i += 1) await db.query(`SELECT ${i} AS n`);
    assert.ok(db.cachedStatements <= 4, `${db.cachedStatements} statements cached`);
  });

  void it('opens files in WAL mode with foreign keys on, owner-only, in a 0700 data directory', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'aether-sqlite-'));
    const dataDir = path.join(root, 'nested', 'data');
    const store = await openStore({ dataDir });
    try {
      const [journal] = await store.database.query<{ journal_mode: string }>('PRAGMA journal_mode');
      const [keys] = await store.database.query<{ foreign_keys: number }>('PRAGMA foreign_keys');
      assert.deepEqual([journal?.journal_mode, keys?.foreign_keys], ['wal', 1]);
      assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
      assert.equal((await stat(path.join(dataDir, SQLITE_FILE))).mode & 0o777, 0o600);
    } finally {
      await store.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  void it('reopens an existing data directory without migrating again', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aether-sqlite-'));
    try {
      const first = await openStore({ dataDir });
      await first.events.append('run/a', [{ type: 'x', data: {} }]);
      await first.close();
      const second = await openStore({ dataDir });
      assert.equal((await second.events.last('run/a'))?.seq, 1);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
