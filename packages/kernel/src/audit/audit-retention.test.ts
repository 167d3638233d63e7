/**
 * Retention prunes records older than the configured days and leaves the chain verifiable; 0 days keeps
 * everything; overlapping runs join instead of racing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../observability/logger.ts';
import { SqliteDatabase } from '../store/sqlite-database.ts';
import { createStore } from '../store/store.ts';
import { AuditLog } from './audit-log.ts';
import { AuditRetention } from './audit-retention.ts';

const DAY = 86_400_000;

async function seeded(): Promise<{ log: AuditLog; close: () => Promise<void> }> {
  const store = await createStore(new SqliteDatabase({ path: ':memory:' }));
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  const log = new AuditLog(store.audit, { now: () => new Date(now) });
  for (let day = 0; day < 10; day += 1) {
    now = Date.parse('2026-01-01T00:00:00.000Z') + day * DAY;
    await log.append({ principal: 'user:a', kind: 'login', action: `day${day}` });
  }
  return { log, close: () => store.close() };
}

void describe('AuditRetention', () => {
  void it('prunes records older than the retention period and keeps the chain verifiable', async () => {
    const { log, close } = await seeded();
    try {
      const now = (): Date => new Date(Date.parse('2026-01-10T12:00:00.000Z'));
      const retention = new AuditRetention(log, 3, silentLogger(), { now });
      await Promise.all([retention.runOnce(), retention.runOnce()]);
      const { records } = await log.query();
      assert.deepEqual(records.map((r) => r.action), ['day7', 'day8', 'day9']);
      assert.deepEqual(await log.verify(), { ok: true, records: 3 });
    } finally {
      await close();
    }
  });

  void it('keeps everything when retention is 0 days', async () => {
    const { log, close } = await seeded();
    try {
      const retention = new AuditRetention(log, 0, silentLogger(), { now: () => new Date('2030-01-01T00:00:00Z') });
      retention.start();
      await retention.runOnce();
      retention.stop();
      assert.equal((await log.query()).records.length, 10);
    } finally {
      await close();
    }
  });

  void it('refuses a negative or fractional retention', async () => {
    const { log, close } = await seeded();
    try {
      assert.throws(() => new AuditRetention(log, -1, silentLogger()), RangeError);
      assert.throws(() => new AuditRetention(log, 1.5, silentLogger()), RangeError);
    } finally {
      await close();
    }
  });
});
