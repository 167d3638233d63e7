import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ackTopicOf, errorTopicOf, matchesPattern } from './topics.ts';

void test('error topics are derived as the protocol says', () => {
  assert.equal(errorTopicOf('vfs:write'), 'vfs:write:error');
  assert.equal(errorTopicOf('vm.spawn'), 'vm.spawn.error');
  assert.equal(errorTopicOf('ping'), 'error');
  assert.equal(errorTopicOf('a.b:c'), 'a.b:c:error');
  assert.equal(ackTopicOf('vm.spawn'), 'vm.spawn:ack');
});

void test('a trailing star matches any suffix and nothing else does', () => {
  assert.ok(matchesPattern('vm.*', 'vm.stdout'));
  assert.ok(matchesPattern('vm.*', 'vm.stdout.x'));
  assert.ok(!matchesPattern('vm.*', 'vmx.stdout'));
  assert.ok(matchesPattern('*', 'anything'));
  assert.ok(matchesPattern('vm.stdout', 'vm.stdout'));
  assert.ok(!matchesPattern('vm.stdout', 'vm.stdout2'));
});
