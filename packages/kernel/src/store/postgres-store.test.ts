/**
 * The shared repository suite against real PostgreSQL (skipped with a reason when it is not reachable,
 * required in CI). Each store gets a schema of its own with a random name, used through search_path and
 * dropped when the store closes, so runs never collide. Also: two stores on one schema behave like two
 * kernel nodes appending to the same event stream and audit chain.
 */
import { MIGRATIONS } from './migrations/index.ts';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { AuditLog } from '../audit/audit-log.ts';
import { TEST_DATABASE_URL, skipUnless } from '../testing/services.ts';
import { repositorySuite } from './repository-suite.ts';
import { type Store, openStore } from './store.ts';

const created = new Set<string>();

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createSchema(): Promise<string> {
  const schema = `aether_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE SCHEMA ${schema}`));
  created.add(schema);
  return schema;
}

async function dropSchema(schema: string): Promise<void> {
  await admin((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  created.delete(schema);
}

async function freshPostgresStore(): Promise<Store> {
  const schema = await createSchema();
  const store = await openStore({ dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL, schema, maxConnections: 5 });
  return {
    ...store,
    close: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

void describe('store on PostgreSQL', { skip: await skipUnless('postgres', TEST_DATABASE_URL) }, () => {
  after(async () => {
    for (const schema of created) await dropSchema(schema);
  });

  repositorySuite(freshPostgresStore);

  void it('keeps seqs and the audit chain intact when two nodes append at once', async () => {
    const schema = await createSchema();
    const nodes = await Promise.all([1, 2].map(() => openStore({ dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL, schema, maxConnections: 4 })));
    try {
      const work = nodes.flatMap((node, n) =>
        Array.from({ length: 20 }, (_, i) => [
          node.events.append('run/shared', [{ type: `node${n}`, data: { i } }, { type: `node${n}`, data: { i, second: true } }]),
          new AuditLog(node.audit).append({ principal: `service:node${n}`, kind: 'spawn', action: `a${i}` }),
        ]).flat(),
      );
      await Promise.all(work);
      const events = await nodes[0]!.events.read('run/shared');
      assert.deepEqual(events.map((e) => e.seq), Array.from({ length: 80 }, (_, i) => i + 1));
      for (let i = 0; i < events.length; i += 2) assert.deepEqual([events[i]?.type, events[i + 1]?.data.second], [events[i + 1]?.type, true]);
      assert.deepEqual(await new AuditLog(nodes[1]!.audit).verify(), { ok: true, records: 40 });
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
      await dropSchema(schema);
    }
  });

  void it('starts two nodes on an empty schema at once and migrates it exactly once', async () => {
    const schema = await createSchema();
    const nodes = await Promise.all([1, 2, 3].map(() => openStore({ dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL, schema, maxConnections: 2 })));
    try {
      const rows = await nodes[0]!.database.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
      await dropSchema(schema);
    }
  });
});
