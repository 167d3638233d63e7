import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKernelError } from '../contracts/errors.ts';
import { compileCapability } from './capability.ts';
import { GrantTable } from './grant-table.ts';

const cap = compileCapability('fs.read:/data/**');

void test('a derived grant records its parent and is found by its id', () => {
  const table = new GrantTable();
  const root = table.create(cap);
  const child = table.create(cap, root);
  assert.equal(child.parentId, root.id);
  assert.equal(root.parentId, undefined);
  assert.equal(table.get(child.id), child);
  assert.notEqual(child.id, root.id);
});

void test('revoking counts the grant and every live descendant once', () => {
  const table = new GrantTable();
  const root = table.create(cap);
  const a = table.create(cap, root);
  const b = table.create(cap, root);
  const a1 = table.create(cap, a);
  assert.equal(table.revoke(a), 2);
  assert.ok(a.revoked && a1.revoked && !b.revoked && !root.revoked);
  assert.equal(table.revoke(root), 2);
  assert.equal(table.revoke(root), 0);
});

void test('a very deep chain of derived grants is revoked without exhausting the stack', () => {
  const table = new GrantTable();
  const root = table.create(cap);
  let last = root;
  for (let i = 0; i < 100_000; i++) last = table.create(cap, last);
  assert.equal(table.revoke(root), 100_001);
  assert.equal(last.revoked, true);
});

void test('nothing can be derived from a revoked grant', () => {
  const table = new GrantTable();
  const root = table.create(cap);
  table.revoke(root);
  assert.throws(() => table.create(cap, root), (e: unknown) => isKernelError(e, 'permission_denied'));
});
