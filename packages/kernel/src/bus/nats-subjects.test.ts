/**
 * The NATS subject scheme: reversible, token-safe, and isolated by prefix.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TOPIC_PATTERN } from './envelope.ts';
import { NatsSubjects, clientFromToken, clientToken, tokenToTopic, topicToToken } from './nats-subjects.ts';

const word = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const topic = fc.tuple(word, fc.array(fc.tuple(fc.constantFrom('.', ':'), word), { maxLength: 5 })).map(([head, rest]) => head + rest.map(([sep, w]) => sep + w).join(''));
const NATS_TOKEN = /^[^\s.*>]+$/;

void test('topics map to subject tokens and back, with no empty or wildcard token', () => {
  assert.equal(topicToToken('vm.spawn'), 'vm.spawn');
  assert.equal(topicToToken('vfs:write:error'), 'vfs:.write:.error');
  fc.assert(
    fc.property(topic, (t) => {
      assert.ok(TOPIC_PATTERN.test(t));
      const token = topicToToken(t);
      assert.equal(tokenToTopic(token), t);
      for (const part of token.split('.')) assert.match(part, NATS_TOKEN);
    }),
  );
});

void test('client ids of any text become one safe token and come back unchanged', () => {
  assert.equal(clientToken('client:1234-abcd'), 'client:1234-abcd');
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }), (id) => {
      const token = clientToken(id);
      assert.match(token, NATS_TOKEN);
      assert.equal(clientFromToken(token), id);
    }),
  );
});

void test('subjects carry the prefix, the kind and droppability; no-responders subjects parse back', () => {
  const subjects = new NatsSubjects('test.run1', 'node-1');
  assert.equal(subjects.event('vfs:write', false), 'test.run1.ev.vfs:.write');
  assert.equal(subjects.event('vm.stdout', true), 'test.run1.ds.vm.stdout');
  assert.equal(subjects.eventTopic('test.run1.ds.vfs:.write'), 'vfs:write');
  assert.equal(subjects.request('vm.spawn'), 'test.run1.rq.vm.spawn');
  assert.equal(subjects.to('a b'), `test.run1.to.=${Buffer.from('a b').toString('base64url')}`);
  const reply = subjects.noResponders('web user.1', 'req-1');
  assert.deepEqual(subjects.parseNoResponders(reply), { clientId: 'web user.1', requestId: 'req-1' });
  assert.equal(subjects.parseNoResponders('test.run1.nr.node-2.x.y'), undefined);
  assert.throws(() => new NatsSubjects('bad prefix', 'n'));
  assert.throws(() => new NatsSubjects('a.>', 'n'));
});
