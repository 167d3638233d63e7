import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKernelError } from '../contracts/errors.ts';
import { CapabilitySet } from './capability-set.ts';
import { Roles } from './roles.ts';

void test('built-in roles are admin, user and viewer', () => {
  const roles = new Roles();
  assert.deepEqual(roles.names(), ['admin', 'user', 'viewer']);
  assert.deepEqual(roles.get('admin'), ['*.*']);
});

void test('the user role reaches the user’s own home but not another user’s', () => {
  const alice = CapabilitySet.of(new Roles().get('user', 'alice'));
  assert.equal(alice.implies('fs.write:/home/alice/notes.md'), true);
  assert.equal(alice.implies('fs.read:/home/bob/notes.md'), false);
  assert.equal(alice.implies('vm.spawn:wasi'), true);
  assert.equal(alice.implies('vm.spawn:sandbox'), true);
  assert.equal(alice.implies('vm.net'), false);
  assert.equal(alice.implies('ai.generate:anthropic/claude'), true);
  assert.equal(alice.implies('agent.spawn:researcher'), true);
  assert.equal(alice.implies('topic.subscribe:vm.stdout'), true);
  assert.equal(alice.implies('audit.query'), false);
});

void test('the viewer role can look but not change anything', () => {
  const viewer = CapabilitySet.of(new Roles().get('viewer', 'vera'));
  assert.equal(viewer.implies('fs.read:/home/vera/a.txt'), true);
  assert.equal(viewer.implies('kernel.status'), true);
  assert.equal(viewer.implies('agent.list'), true);
  for (const c of ['fs.write:/home/vera/a.txt', 'vm.spawn:wasi', 'agent.spawn:x', 'ai.generate:openai/gpt', 'vm.kill']) {
    assert.equal(viewer.implies(c), false, c);
  }
});

void test('a per-user role is not handed out without a safe user name', () => {
  const roles = new Roles();
  assert.throws(() => roles.get('user'), (e: unknown) => isKernelError(e, 'payload_invalid') && /get\("user", userName\)/.test(e.message));
  for (const bad of ['..', '.', 'a/b', '*', '']) {
    assert.throws(() => roles.get('user', bad), (e: unknown) => isKernelError(e, 'payload_invalid'), bad);
  }
  assert.ok(roles.template('user').includes('fs.*:/home/{user}/**'));
});

void test('define validates every capability and refuses to change admin', () => {
  const roles = new Roles({ auditor: ['audit.query', 'audit.export'] });
  assert.deepEqual(roles.get('auditor'), ['audit.query', 'audit.export']);
  assert.throws(() => roles.define('broken', ['fs.read:relative']), (e: unknown) => isKernelError(e, 'payload_invalid') && /role "broken"/.test(e.message));
  assert.throws(() => roles.define('Bad Name', []), (e: unknown) => isKernelError(e, 'payload_invalid'));
  assert.throws(() => roles.define('admin', ['vm.list']), (e: unknown) => isKernelError(e, 'conflict'));
  roles.define('scratch', ['fs.*:/tmp/{user}/**']);
  assert.deepEqual(roles.get('scratch', 'bob'), ['fs.*:/tmp/bob/**']);
  assert.deepEqual(roles.names(), ['admin', 'user', 'viewer', 'auditor', 'scratch']);
});

void test('an unknown role is not_found', () => {
  assert.throws(() => new Roles().get('root'), (e: unknown) => isKernelError(e, 'not_found') && /roles: admin, user, viewer/.test(e.message));
});
