/**
 * Every hot query the repositories run is served by an index (issue 2, item 6): SQLite's EXPLAIN QUERY
 * PLAN for each must search an index (or scan one, in order), never scan a table, and a paged query must
 * never sort its whole range in a temporary b-tree. The SQL checked is the SQL the repositories export.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AuditFilter, AUDIT_SQL, auditFindSql } from './audit-repository.ts';
import type { SqlValue } from './database.ts';
import { EVENT_SQL } from './event-log.ts';
import { SqliteDatabase } from './sqlite-database.ts';
import { type Store, createStore } from './store.ts';

const T = '2026-01-01T00:00:00.000Z';
const cursor = { time: T, seq: 5 };

const HOT: Array<[name: string, sql: string, params: SqlValue[]]> = [
  ['event read by stream', EVENT_SQL.read, ['run/a', 0, 100]],
  ['event point read', EVENT_SQL.get, ['run/a', 7]],
  ['event last seq', EVENT_SQL.last, ['run/a']],
  ['event stream head', EVENT_SQL.head, ['run/a']],
  ['event streams by prefix', EVENT_SQL.streams, ['', 'agent/', 'agent/\x7f', 100]],
  ['audit by seq cursor (verify)', AUDIT_SQL.range, [0, 100, 1000]],
  ['audit prune candidates', AUDIT_SQL.pruneCandidates, [0, 1000]],
  ['audit prune', AUDIT_SQL.prune, [0, 100]],
  ['audit chain state', AUDIT_SQL.chain, []],
];

const filters: Array<[string, AuditFilter]> = [
  ['audit first page', { order: 'asc', limit: 101 }],
  ['audit newest page with cursor', { order: 'desc', limit: 101, cursor }],
  ['audit by principal', { principal: 'user:a', order: 'asc', limit: 101 }],
  ['audit by principal with cursor', { principal: 'user:a', order: 'desc', limit: 101, cursor }],
  ['audit by kind', { kind: 'login', order: 'asc', limit: 101, cursor }],
  ['audit by time range', { from: T, to: T, order: 'asc', limit: 101 }],
  ['audit since a time, newest first', { from: T, order: 'desc', limit: 101, cursor }],
  ['audit by principal and time', { principal: 'user:a', from: T, to: T, order: 'asc', limit: 101, cursor }],
  ['audit by principal, kind and time', { principal: 'user:a', kind: 'login', from: T, order: 'desc', limit: 101 }],
];
for (const [name, filter] of filters) {
  const { sql, params } = auditFindSql(filter);
  HOT.push([name, sql, params]);
}

void describe('query plans of the hot queries (SQLite)', () => {
  let store: Store;
  before(async () => {
    store = await createStore(new SqliteDatabase({ path: ':memory:' }));
  });
  after(() => store.close());

  for (const [name, sql, params] of HOT) {
    void it(`uses an index for ${name}`, async () => {
      const plan = (await store.database.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((row) => row.detail);
      assert.ok(plan.length > 0, `no plan for ${sql}`);
      for (const step of plan) {
        assert.ok(!/^SCAN \w+$/.test(step) && !/^SCAN \w+ (?!USING)/.test(step), `${name}: full table scan (${step}) in ${sql}`);
        assert.ok(!step.includes('TEMP B-TREE'), `${name}: sorts its whole range (${step}) in ${sql}`);
      }
      assert.ok(plan.some((step) => /USING (?:COVERING )?INDEX|USING (?:INTEGER )?PRIMARY KEY/.test(step)), `${name}: ${plan.join('; ')}`);
    });
  }
});
