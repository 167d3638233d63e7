import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKernelError } from '../contracts/errors.ts';
import { TopicRuleSchema, TopicRules } from './topic-rules.ts';

void test('with no rules every topic is allowed', () => {
  assert.deepEqual(new TopicRules([]).decide('vm.spawn'), { allowed: true });
});

void test('the first matching prefix decides', () => {
  const rules = new TopicRules([
    { topic_prefix: 'vm.spawn', allow: false },
    { topic_prefix: 'vm.', allow: true },
    { topic_prefix: 'vm.list', allow: false },
  ]);
  assert.deepEqual(rules.decide('vm.spawn'), { allowed: false, rule: { topic_prefix: 'vm.spawn', allow: false } });
  assert.deepEqual(rules.decide('vm.list'), { allowed: true, rule: { topic_prefix: 'vm.', allow: true } });
});

void test('once rules exist, a topic no rule matches is denied', () => {
  const rules = new TopicRules([{ topic_prefix: 'vfs:', allow: true }]);
  assert.deepEqual(rules.decide('vm.spawn'), { allowed: false });
  assert.equal(rules.decide('vfs:write').allowed, true);
});

void test('a trailing * in a prefix means the same prefix', () => {
  const rules = new TopicRules([{ topic_prefix: 'agent.*', allow: true }]);
  assert.equal(rules.decide('agent.spawn').allowed, true);
  assert.equal(rules.decide('agents').allowed, false);
});

void test('malformed rules are refused with their position', () => {
  assert.throws(
    () => new TopicRules([{ topic_prefix: 'a', allow: true }, { topic_prefix: 'b', allow: 'yes' } as unknown as { topic_prefix: string; allow: boolean }]),
    (e: unknown) => isKernelError(e, 'payload_invalid') && /permissions\[1\]/.test(e.message),
  );
  assert.equal(TopicRuleSchema.safeParse({ topic_prefix: 'a', allow: true, extra: 1 }).success, false);
});
