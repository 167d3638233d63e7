import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKernelError } from '../contracts/errors.ts';
import { CapabilitySet } from './capability-set.ts';

const deniedWith = (code: 'permission_denied' | 'payload_invalid', pattern: RegExp) => (error: unknown) =>
  isKernelError(error, code) && pattern.test(error.message);

void test('check names the grant that allowed', () => {
  const set = CapabilitySet.of(['fs.read:/home/alice/**', 'vm.spawn:wasi']);
  assert.deepEqual(set.check('fs.read:/home/alice/notes.md'), { allowed: true, grant: 'fs.read:/home/alice/**' });
  assert.deepEqual(set.check('vm.spawn:wasi'), { allowed: true, grant: 'vm.spawn:wasi' });
});

void test('a denial names the missing capability in canonical form and says how to grant it', () => {
  const decision = CapabilitySet.of(['fs.read:/home/alice/**']).check('fs.write:/home//alice/x/');
  assert.equal(decision.allowed, false);
  assert.ok(!decision.allowed);
  assert.equal(decision.missing, 'fs.write:/home/alice/x');
  assert.match(decision.hint, /grant "fs\.write:\/home\/alice\/x"/);
});

void test('an unparsable requirement is denied, not thrown', () => {
  const set = CapabilitySet.all();
  const decision = set.check('fs.read:/../etc');
  assert.equal(decision.allowed, false);
  assert.ok(!decision.allowed);
  assert.match(decision.hint, /climbs above/);
  assert.equal(set.implies(undefined as unknown as string), false);
  assert.equal(set.implies({ toString: () => { throw new Error('boom'); } } as unknown as string), false);
});

void test('the all set implies every capability', () => {
  const set = CapabilitySet.all();
  for (const c of ['fs.write:/etc/shadow', 'vm.net', '*.*', 'net.fetch:https://x.org/**']) assert.equal(set.implies(c), true);
  assert.deepEqual(set.list(), ['*.*']);
});

void test('of validates every grant', () => {
  assert.throws(() => CapabilitySet.of(['fs.read:/ok', 'fs.read:relative']), deniedWith('payload_invalid', /must be absolute/));
});

void test('narrowing keeps what the parent holds', () => {
  const parent = CapabilitySet.of(['fs.*:/home/alice/**', 'ai.generate:*']);
  const child = parent.narrow(['fs.read:/home/alice/project/**', 'ai.generate:anthropic/*']);
  assert.deepEqual(child.list(), ['fs.read:/home/alice/project/**', 'ai.generate:anthropic/*']);
  assert.equal(child.implies('fs.read:/home/alice/project/a.ts'), true);
  assert.equal(child.implies('fs.write:/home/alice/project/a.ts'), false);
  assert.equal(child.implies('fs.read:/home/alice/other'), false);
});

void test('narrowing refuses an escalation and names it', () => {
  const parent = CapabilitySet.of(['fs.read:/home/alice/**']);
  assert.throws(() => parent.narrow(['fs.read:/home/alice/x', 'fs.read:/home/**']), deniedWith('permission_denied', /"fs\.read:\/home\/\*\*"/));
  assert.throws(() => parent.narrow(['fs.read:/home/alice/../bob/**']), deniedWith('permission_denied', /fs\.read:\/home\/bob\/\*\*/));
  assert.throws(() => parent.narrow(['fs.read']), deniedWith('permission_denied', /"fs\.read"/));
  assert.throws(() => parent.narrow(['fs.read:nope']), deniedWith('payload_invalid', /must be absolute/));
});

void test('revoking a grant stops it implying at once and cascades to every set narrowed from it', () => {
  const root = CapabilitySet.of(['fs.read:/data/**', 'vm.spawn:wasi']);
  const child = root.narrow(['fs.read:/data/a/**', 'vm.spawn:wasi']);
  const grandchild = child.narrow(['fs.read:/data/a/b.txt']);
  const sibling = root.narrow(['vm.spawn:wasi']);
  assert.equal(root.revoke('fs.read:/data//**'), 3);
  for (const set of [root, child, grandchild]) assert.equal(set.implies('fs.read:/data/a/b.txt'), false);
  assert.deepEqual(grandchild.list(), []);
  assert.deepEqual(child.list(), ['vm.spawn:wasi']);
  assert.equal(sibling.implies('vm.spawn:wasi'), true);
  assert.equal(root.revoke('fs.read:/data/**'), 0);
});

void test('revoking in a child leaves the parent and the child’s siblings alone', () => {
  const root = CapabilitySet.of(['agent.spawn:*']);
  const a = root.narrow(['agent.spawn:researcher']);
  const b = root.narrow(['agent.spawn:researcher']);
  const a1 = a.narrow(['agent.spawn:researcher']);
  assert.equal(a.revoke('agent.spawn:researcher'), 2);
  assert.equal(a1.implies('agent.spawn:researcher'), false);
  assert.equal(b.implies('agent.spawn:researcher'), true);
  assert.equal(root.implies('agent.spawn:researcher'), true);
});

void test('narrowing from a revoked grant is refused', () => {
  const root = CapabilitySet.of(['fs.read:/data/**']);
  const child = root.narrow(['fs.read:/data/**']);
  root.revoke('fs.read:/data/**');
  assert.throws(() => child.narrow(['fs.read:/data/x']), deniedWith('permission_denied', /parent does not hold it/));
});

void test('grant ids are random opaque handles of live grants', () => {
  const set = CapabilitySet.of(['fs.read:/home/alice/**', 'vm.net']);
  const ids = set.grantIds();
  assert.equal(ids.length, 2);
  for (const id of ids) {
    assert.match(id, /^g_[A-Za-z0-9_-]{22}$/);
    assert.ok(!id.includes('alice'));
  }
  assert.notDeepEqual(CapabilitySet.of(['fs.read:/home/alice/**', 'vm.net']).grantIds(), ids);
  set.revoke('vm.net');
  assert.deepEqual(set.grantIds(), ids.slice(0, 1));
});

void test('duplicate spellings of one grant are held once', () => {
  assert.deepEqual(CapabilitySet.of(['fs.read:/a/', 'fs.read:/a', 'fs.read://a/.']).list(), ['fs.read:/a']);
});

void test('a wildcard requirement is checked against every grant', () => {
  const set = CapabilitySet.of(['fs.*', 'vm.spawn:wasi']);
  assert.equal(set.implies('fs.*'), true);
  assert.equal(set.implies('*.*'), false);
  assert.equal(set.implies('vm.*'), false);
});
