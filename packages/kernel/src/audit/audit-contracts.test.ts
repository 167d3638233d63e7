/**
 * The audit contracts as the registry uses them: payloads parsed with the request schema, the handler's
 * answer valid under the reply schema, `audit.read` required, both idempotent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallContext } from '../contracts/contract.ts';
import { SqliteDatabase } from '../store/sqlite-database.ts';
import { type Store, createStore } from '../store/store.ts';
import { type ContractBinding, auditHandlers, auditQueryContract, auditVerifyContract } from './audit-contracts.ts';
import { AuditLog } from './audit-log.ts';

// The audit handlers never read the caller: the registry has checked `audit.read` before they run.
const context = { requestId: 'r1', clientId: 'c1', signal: new AbortController().signal } as unknown as CallContext;

async function call(binding: ContractBinding | undefined, payload: Record<string, unknown>): Promise<unknown> {
  assert.ok(binding !== undefined);
  const request = binding.contract.request.parse(payload);
  return binding.contract.reply.parse(await binding.handler(request, context));
}

void describe('audit contracts', () => {
  let store: Store;
  let log: AuditLog;
  before(async () => {
    store = await createStore(new SqliteDatabase({ path: ':memory:' }));
    log = new AuditLog(store.audit);
    for (let i = 0; i < 5; i += 1) await log.append({ principal: i < 2 ? 'user:alice' : 'user:bob', kind: 'login', action: 'auth.login', decision: 'allow' });
  });
  after(() => store.close());

  void it('declares audit.query and audit.verify as idempotent reads needing audit.read', () => {
    const bindings = auditHandlers(log);
    assert.deepEqual(bindings.map((b) => b.contract.topic), ['audit.query', 'audit.verify']);
    for (const { contract } of bindings) {
      assert.equal(contract.idempotent, true);
      assert.equal(contract.public, false);
      assert.equal(contract.capability(contract.request.parse({})), 'audit.read');
    }
  });

  void it('answers audit.query with a page that the reply schema accepts, and pages on', async () => {
    const [query] = auditHandlers(log);
    const first = (await call(query, { principal: 'user:bob', limit: 2, from: '2000-01-01T00:00:00Z' })) as { records: { seq: number }[]; nextCursor?: string };
    assert.deepEqual(first.records.map((r) => r.seq), [3, 4]);
    const second = (await call(query, { principal: 'user:bob', limit: 2, cursor: first.nextCursor })) as { records: { seq: number }[]; nextCursor?: string };
    assert.deepEqual([second.records.map((r) => r.seq), second.nextCursor], [[5], undefined]);
  });

  void it('answers audit.verify with the chain state', async () => {
    const [, verify] = auditHandlers(log);
    assert.deepEqual(await call(verify, {}), { ok: true, records: 5 });
  });

  void it('rejects out-of-range and malformed query payloads at the schema', () => {
    assert.equal(auditQueryContract.request.safeParse({ limit: 1001 }).success, false);
    assert.equal(auditQueryContract.request.safeParse({ limit: 0 }).success, false);
    assert.equal(auditQueryContract.request.safeParse({ from: 'yesterday' }).success, false);
    assert.equal(auditQueryContract.request.safeParse({ principal: '' }).success, false);
    assert.equal(auditVerifyContract.reply.safeParse({ ok: false, seq: 3, reason: 'record 3 is missing' }).success, true);
  });
});
