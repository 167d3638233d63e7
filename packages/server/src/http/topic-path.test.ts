import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fastifyRouteOf, restPathOf, topicOfRestPath } from './topic-path.ts';

const word = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const topic = fc.tuple(word, fc.array(fc.tuple(fc.constantFrom('.', ':'), word), { maxLength: 4 })).map(([head, rest]) => head + rest.map(([sep, w]) => sep + w).join(''));

test('dots become slashes and colons stay', () => {
  assert.equal(restPathOf('vm.spawn'), '/api/v1/vm/spawn');
  assert.equal(restPathOf('vfs:write'), '/api/v1/vfs:write');
  assert.equal(restPathOf('auth.token.create'), '/api/v1/auth/token/create');
  assert.equal(fastifyRouteOf('vfs:write'), '/api/v1/vfs::write');
});

test('the path of a topic leads back to that topic, so no two topics share a path', () => {
  fc.assert(fc.property(topic, (t) => topicOfRestPath(restPathOf(t)) === t));
  fc.assert(fc.property(topic, topic, (a, b) => a === b || restPathOf(a) !== restPathOf(b)));
});

test('paths outside the API prefix name no topic', () => {
  assert.equal(topicOfRestPath('/health'), undefined);
  assert.equal(topicOfRestPath('/api/v1/'), undefined);
});
