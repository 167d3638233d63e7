import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OriginPolicy } from './origin-policy.ts';

test('the daemon’s own origin and allowlisted origins pass; others do not', () => {
  const policy = new OriginPolicy(['https://desk.example.com']);
  assert.equal(policy.allows('http://127.0.0.1:7700', '127.0.0.1:7700', false), true);
  assert.equal(policy.allows('https://DESK.example.com:443', '127.0.0.1:7700', false), true);
  assert.equal(policy.allows('https://evil.example', '127.0.0.1:7700', false), false);
  assert.equal(policy.allows('http://127.0.0.1:7700', '127.0.0.1:7700', true), false, 'scheme must match');
  assert.equal(policy.allows('null', '127.0.0.1:7700', false), false);
  assert.equal(policy.allows('javascript:alert(1)', '127.0.0.1:7700', false), false);
});

test('programs that send no Origin are judged by their credentials alone', () => {
  assert.equal(new OriginPolicy([]).allows(undefined, '127.0.0.1:7700', false), true);
});

test('only allowlisted origins are listed for CORS', () => {
  const policy = new OriginPolicy(['https://desk.example.com']);
  assert.equal(policy.listed('https://desk.example.com'), true);
  assert.equal(policy.listed('http://127.0.0.1:7700'), false);
});
