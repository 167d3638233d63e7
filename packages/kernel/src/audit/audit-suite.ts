/**
 * Shared audit-log behaviour, run against both adapters: the hash chain, tamper and deletion detection
 * (by editing the tables directly, as an attacker with database access would), retention that keeps the
 * chain verifiable, paged queries and filters, JSON-lines export.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import type { Database } from '../store/database.ts';
import { GENESIS_HASH } from '../store/migrations/002-audit.ts';
import { type StoreFactory, withStore } from '../store/with-store.ts';
import { AuditLog, type AuditRecord } from './audit-log.ts';

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-01-01T00:00:00.000Z')): { now: () => Date; set: (ms: number) => void } {
  let current = start;
  return { now: () => new Date(current), set: (ms) => (current = ms) };
}

async function fill(log: AuditLog, n: number): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let i = 0; i < n; i += 1) {
    records.push(await log.append({ principal: `user:u${i % 3}`, kind: i % 2 === 0 ? 'login' : 'grant', action: `act-${i}`, data: { i } }));
  }
  return records;
}

/** Lets the test edit a record the way an attacker with database rights could (the trigger refuses updates). */
async function dropAppendOnlyGuard(db: Database): Promise<void> {
  await db.run(db.dialect === 'sqlite' ? 'DROP TRIGGER audit_log_append_only' : 'DROP TRIGGER audit_log_append_only ON audit_log');
}

export function auditSuite(factory: StoreFactory): void {
  void it('chains each record to the previous one and verifies', () =>
    withStore(factory, async (store) => {
      const log = new AuditLog(store.audit);
      assert.deepEqual(await log.verify(), { ok: true, records: 0 });
      const records = await fill(log, 5);
      assert.deepEqual(records.map((r) => r.seq), [1, 2, 3, 4, 5]);
      assert.equal(records[0]?.prevHash, GENESIS_HASH);
      for (let i = 1; i < records.length; i += 1) assert.equal(records[i]?.prevHash, records[i - 1]?.hash);
      assert.match(records[0]?.hash ?? '', /^[0-9a-f]{64}$/);
      const denied = await log.append({ principal: 'agent:x', kind: 'denial', action: 'vm.spawn', decision: 'deny', data: { missing: 'vm.spawn:wasi' } });
      assert.equal(denied.decision, 'deny');
      assert.deepEqual(await log.verify(), { ok: true, records: 6 });
    }));

  void it('refuses updates to records through SQL (append-only)', () =>
    withStore(factory, async (store) => {
      await fill(new AuditLog(store.audit), 2);
      await assert.rejects(store.database.run("UPDATE audit_log SET action = 'x' WHERE seq = 1"));
    }));

  void it('detects a record modified in the database, at that seq', () =>
    withStore(factory, async (store) => {
      const log = new AuditLog(store.audit);
      await fill(log, 6);
      await dropAppendOnlyGuard(store.database);
      await store.database.run('UPDATE audit_log SET data = ? WHERE seq = ?', ['{"i":99}', 4]);
      const result = await log.verify();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.seq, 4);
      assert.match(!result.ok ? result.reason : '', /modified/);
    }));

  void it('detects a modified decision or principal even when the data is untouched', () =>
    withStore(factory, async (store) => {
      const log = new AuditLog(store.audit);
      await fill(log, 3);
      await dropAppendOnlyGuard(store.database);
      await store.database.run("UPDATE audit_log SET principal = 'user:mallory' WHERE seq = 2");
      assert.deepEqual(await log.verify().then((r) => (r.ok ? 0 : r.seq)), 2);
    }));

  void it('detects a record deleted from the middle', () =>
    withStore(factory, async (store) => {
      const log = new AuditLog(store.audit);
      await fill(log, 6);
      await store.database.run('DELETE FROM audit_log WHERE seq = 3');
      const result = await log.verify();
      assert.deepEqual(result.ok ? undefined : [result.seq, result.reason], [3, 'record 3 is missing']);
    }));

  void it('detects records deleted from the tail', () =>
    withStore(factory, async (store) => {
      const log = new AuditLog(store.audit);
      await fill(log, 6);
      await store.database.run('DELETE FROM audit_log WHERE seq >= 5');
      const result = await log.verify();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.seq, 5);
      assert.match(!result.ok ? result.reason : '', /missing \(the chain head is at 6\)/);
    }));

  void it('keeps the chain in order under concurrent appends, even from separate AuditLog instances', () =>
    withStore(factory, async (store) => {
      const a = new AuditLog(store.audit);
      const b = new AuditLog(store.audit);
      const appended = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).append({ principal: 'user:c', kind: 'spawn', action: `a${i}` })),
      );
      assert.deepEqual(appended.map((r) => r.seq).sort((x, y) => x - y), Array.from({ length: 30 }, (_, i) => i + 1));
      assert.deepEqual(await a.verify(), { ok: true, records: 30 });
    }));

  void it('prunes old records behind an anchor so the rest still verifies', () =>
    withStore(factory, async (store) => {
      const clock = manualClock();
      const log = new AuditLog(store.audit, { now: clock.now });
      await fill(log, 5);
      const cutoff = Date.parse('2026-02-01T00:00:00.000Z');
      clock.set(cutoff + 1000);
      await fill(log, 4);
      assert.deepEqual(await log.prune({ olderThan: new Date(cutoff) }), { pruned: 5 });
      assert.deepEqual(await log.verify(), { ok: true, records: 4 });
      assert.deepEqual((await log.query()).records.map((r) => r.seq), [6, 7, 8, 9]);
      assert.deepEqual(await log.prune({ olderThan: new Date(cutoff) }), { pruned: 0 });
      await log.append({ principal: 'user:a', kind: 'login', action: 'after-prune' });
      assert.deepEqual(await log.verify(), { ok: true, records: 5 });
      await store.database.run('DELETE FROM audit_log WHERE seq = 6');
      assert.deepEqual(await log.verify().then((r) => (r.ok ? 0 : r.seq)), 6);
    }));

  void it('prunes only a prefix: it stops at the first record that is not old enough', () =>
    withStore(factory, async (store) => {
      const clock = manualClock(Date.parse('2026-01-01T00:00:00.000Z'));
      const log = new AuditLog(store.audit, { now: clock.now });
      await fill(log, 2);
      clock.set(Date.parse('2026-03-01T00:00:00.000Z'));
      await fill(log, 1);
      clock.set(Date.parse('2026-01-02T00:00:00.000Z')); // a node with a clock behind
      await fill(log, 1);
      assert.deepEqual(await log.prune({ olderThan: new Date('2026-02-01T00:00:00.000Z') }), { pruned: 2 });
      assert.deepEqual(await log.verify(), { ok: true, records: 2 });
    }));

  void it('pages through query results with a cursor, in either order, without gaps or repeats, even when times tie', () =>
    withStore(factory, async (store) => {
      const clock = manualClock();
      const log = new AuditLog(store.audit, { now: clock.now });
      await fill(log, 12); // all at one instant: seq breaks the tie
      clock.set(clock.now().getTime() + 1);
      await fill(log, 13);
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await log.query({ limit: 10, ...(cursor === undefined ? {} : { cursor }) });
        assert.ok(page.records.length <= 10);
        seen.push(...page.records.map((r) => r.seq));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => i + 1));
      const exact = await log.query({ limit: 25 });
      assert.equal(exact.nextCursor, undefined);
      const newest = await log.query({ order: 'desc', limit: 3 });
      assert.deepEqual(newest.records.map((r) => r.seq), [25, 24, 23]);
      const older = await log.query({ order: 'desc', limit: 3, cursor: newest.nextCursor as string });
      assert.deepEqual(older.records.map((r) => r.seq), [22, 21, 20]);
    }));

  void it('filters by principal, kind and time range', () =>
    withStore(factory, async (store) => {
      const clock = manualClock(Date.parse('2026-01-01T00:00:00.000Z'));
      const log = new AuditLog(store.audit, { now: clock.now });
      for (let day = 0; day < 6; day += 1) {
        clock.set(Date.parse('2026-01-01T00:00:00.000Z') + day * 86_400_000);
        await log.append({ principal: day % 2 === 0 ? 'user:alice' : 'user:bob', kind: day < 3 ? 'login' : 'grant', action: `d${day}` });
      }
      const actions = async (query: Parameters<AuditLog['query']>[0]): Promise<string[]> => (await log.query(query)).records.map((r) => r.action);
      assert.deepEqual(await actions({ principal: 'user:alice' }), ['d0', 'd2', 'd4']);
      assert.deepEqual(await actions({ kind: 'grant' }), ['d3', 'd4', 'd5']);
      assert.deepEqual(await actions({ principal: 'user:bob', kind: 'login' }), ['d1']);
      assert.deepEqual(await actions({ from: new Date('2026-01-02T00:00:00.000Z'), to: new Date('2026-01-04T00:00:00.000Z') }), ['d1', 'd2']);
      assert.deepEqual(await actions({ principal: 'user:alice', from: new Date('2026-01-03T00:00:00.000Z') }), ['d2', 'd4']);
      assert.deepEqual(await actions({ principal: 'user:nobody' }), []);
    }));

  void it('refuses bad queries and bad entries with structured errors', () =>
    withStore(factory, async (store) => {
      const log = new AuditLog(store.audit);
      const invalid = (error: unknown): boolean => isKernelError(error, 'payload_invalid');
      await assert.rejects(log.query({ limit: 1001 }), invalid);
      await assert.rejects(log.query({ cursor: 'abc' }), invalid);
      await assert.rejects(log.query({ from: new Date('nope') }), invalid);
      await assert.rejects(log.append({ principal: '', kind: 'k', action: 'a' }), invalid);
      await assert.rejects(log.append({ principal: 'p', kind: 'k', action: 'a', data: { n: Number.NaN } }), invalid);
      await assert.rejects(log.append({ principal: 'p', kind: 'k', action: 'a', data: { s: 'x'.repeat(70_000) } }), (error) =>
        isKernelError(error, 'payload_too_large'),
      );
      assert.deepEqual(await log.verify(), { ok: true, records: 0 });
    }));

  void it('exports matching records as JSON lines, page by page', () =>
    withStore(factory, async (store) => {
      const log = new AuditLog(store.audit, { exportPageSize: 4 });
      await fill(log, 22);
      const lines: string[] = [];
      for await (const line of log.export()) lines.push(line);
      assert.equal(lines.length, 22);
      const parsed = lines.map((line) => {
        assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
        return JSON.parse(line) as AuditRecord;
      });
      assert.deepEqual(parsed.map((r) => r.seq), Array.from({ length: 22 }, (_, i) => i + 1));
      assert.deepEqual(parsed[7], (await log.query({ limit: 10 })).records[7]);
      const logins: AuditRecord[] = [];
      for await (const line of log.export({ kind: 'login', principal: 'user:u0' })) logins.push(JSON.parse(line) as AuditRecord);
      assert.deepEqual(logins.map((r) => r.seq), [1, 7, 13, 19]);
      const newestFirst: number[] = [];
      for await (const line of log.export({ order: 'desc', from: new Date(0) })) newestFirst.push((JSON.parse(line) as AuditRecord).seq);
      assert.deepEqual(newestFirst, parsed.map((r) => r.seq).reverse());
    }));
}
