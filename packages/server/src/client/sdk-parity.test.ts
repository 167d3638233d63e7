import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, ackTopicOf, errorTopicOf, matchesPattern } from '@aether/kernel';
import * as sdk from '@aether/sdk';
import fc from 'fast-check';

const word = fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/);
const topic = fc.tuple(word, fc.array(fc.tuple(fc.constantFrom('.', ':'), word), { maxLength: 3 })).map(([h, rest]) => h + rest.map(([s, w]) => s + w).join(''));

test('the SDK’s copy of the topic algebra agrees with the kernel’s on every shape of topic', () => {
  fc.assert(
    fc.property(topic, topic, fc.boolean(), (a, b, wild) => {
      const pattern = wild ? `${b}*` : b;
      assert.equal(sdk.ackTopicOf(a), ackTopicOf(a));
      assert.equal(sdk.errorTopicOf(a), errorTopicOf(a));
      assert.equal(sdk.matchesPattern(pattern, a), matchesPattern(pattern, a));
    }),
  );
});

test('the SDK knows exactly the kernel’s wire error codes', () => {
  assert.deepEqual([...sdk.WIRE_ERROR_CODES], [...ERROR_CODES]);
});
