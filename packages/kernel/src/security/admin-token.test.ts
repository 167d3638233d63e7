import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isKernelError } from '../contracts/errors.ts';
import { AdminToken } from './admin-token.ts';

const weak = (value: string, reason: RegExp) =>
  assert.throws(
    () => AdminToken.fromConfig(value),
    (e: unknown) => isKernelError(e, 'payload_invalid') && reason.test(e.message) && e.message.includes('openssl rand -hex 32') && (value === '' || !e.message.includes(value)),
    value,
  );

void test('no configured token means no admin bypass', () => {
  assert.equal(AdminToken.fromConfig(undefined), undefined);
});

void test('short or guessable tokens are refused with how to generate one', () => {
  weak('', /0 characters long/);
  weak('s3cret-but-short', /at least 32 are required/);
  weak('a'.repeat(40), /distinct characters/);
  weak('ab'.repeat(20), /distinct characters|runs or sequences/);
  weak('abcdefghijklmnopqrstuvwxyz0123456789', /runs or sequences/);
  weak('0123456789abcdef0123456789abcde', /at least 32/);
  weak('1234567890'.repeat(4), /bits|runs or sequences/);
});

void test('tokens from a random generator are accepted in every usual encoding', () => {
  for (let i = 0; i < 200; i++) {
    for (const token of [randomBytes(32).toString('hex'), randomBytes(16).toString('hex'), randomBytes(32).toString('base64'), randomBytes(24).toString('base64url')]) {
      assert.ok(AdminToken.fromConfig(token), token);
    }
  }
});

void test('verify accepts exactly the configured token', () => {
  const secret = randomBytes(32).toString('hex');
  const token = AdminToken.fromConfig(secret);
  assert.ok(token);
  assert.equal(token.verify(secret), true);
  assert.equal(token.verify(secret.slice(0, -1)), false);
  assert.equal(token.verify(`${secret}0`), false);
  assert.equal(token.verify(secret.toUpperCase()), false);
  assert.equal(token.verify(''), false);
  assert.equal(token.verify(undefined), false);
  assert.equal(token.verify(42 as unknown as string), false);
});
