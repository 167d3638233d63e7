/**
 * The background writer: entries recorded without waiting are appended in order and all present after
 * flush; past its bound it drops (and counts) instead of queueing without limit, and reports that.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../observability/logger.ts';
import { SqliteDatabase } from '../store/sqlite-database.ts';
import { type Store, createStore } from '../store/store.ts';
import { AuditLog } from './audit-log.ts';
import { AuditWriter } from './audit-writer.ts';

void describe('AuditWriter', () => {
  let store: Store;
  before(async () => {
    store = await createStore(new SqliteDatabase({ path: ':memory:' }));
  });
  after(() => store.close());

  void it('appends recorded entries in order and has them all after flush', async () => {
    const log = new AuditLog(store.audit);
    const writer = new AuditWriter(log, silentLogger());
    for (let i = 0; i < 20; i += 1) writer.record({ principal: 'user:a', kind: 'denial', action: `t${i}`, decision: 'deny' });
    await writer.flush();
    const { records } = await log.query({ limit: 100 });
    assert.deepEqual(records.map((r) => r.action), Array.from({ length: 20 }, (_, i) => `t${i}`));
    assert.deepEqual(writer.health().healthy, true);
    assert.deepEqual(await log.verify(), { ok: true, records: 20 });
  });

  void it('drops and counts entries past its bound, and reports itself unhealthy', async () => {
    const log = new AuditLog(store.audit);
    const writer = new AuditWriter(log, silentLogger(), { maxPending: 2 });
    for (let i = 0; i < 5; i += 1) writer.record({ principal: 'user:a', kind: 'denial', action: 'x' });
    assert.deepEqual(writer.stats, { pending: 2, dropped: 3, failed: 0 });
    await writer.flush();
    assert.equal(writer.stats.pending, 0);
    assert.equal(writer.health().healthy, false);
    assert.match(writer.health().detail ?? '', /3 dropped/);
  });

  void it('counts a failed append and recovers on the next success', async () => {
    const writer = new AuditWriter(new AuditLog(store.audit), silentLogger());
    writer.record({ principal: '', kind: 'denial', action: 'x' });
    await writer.flush();
    assert.deepEqual([writer.stats.failed, writer.health().healthy], [1, false]);
    writer.record({ principal: 'user:a', kind: 'denial', action: 'x' });
    await writer.flush();
    assert.equal(writer.health().healthy, true);
  });
});
