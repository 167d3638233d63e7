import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindRefusal, isLoopback } from './bind-policy.ts';

test('loopback addresses are recognised in every spelling', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
});

test('a non-loopback bind needs TLS or an explicit --insecure, and the refusal says how to fix it', () => {
  assert.equal(bindRefusal('127.0.0.1', false, false), undefined);
  assert.equal(bindRefusal('0.0.0.0', true, false), undefined);
  assert.equal(bindRefusal('0.0.0.0', false, true), undefined);
  assert.match(bindRefusal('0.0.0.0', false, false) ?? '', /--tls-cert.*--insecure/s);
});
