import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SESSION_COOKIE, readCookie, sessionCookie } from './cookies.ts';

test('the session cookie is httpOnly and SameSite=Strict, and Secure under TLS', () => {
  assert.equal(sessionCookie('aes_x', { secure: false, maxAgeSeconds: 60 }), 'aether_session=aes_x; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
  assert.match(sessionCookie('aes_x', { secure: true, maxAgeSeconds: 60 }), /; Secure$/);
  assert.match(sessionCookie('', { secure: false, maxAgeSeconds: 0 }), /Max-Age=0/);
});

test('reading a cookie ignores other cookies and refuses malformed values', () => {
  assert.equal(readCookie(`a=1; ${SESSION_COOKIE}=aes_abc-_1; b=2`, SESSION_COOKIE), 'aes_abc-_1');
  assert.equal(readCookie(`${SESSION_COOKIE}=a"b`, SESSION_COOKIE), undefined);
  assert.equal(readCookie('other=1', SESSION_COOKIE), undefined);
  assert.equal(readCookie(undefined, SESSION_COOKIE), undefined);
  assert.equal(readCookie(`${SESSION_COOKIE}=${'x'.repeat(9000)}`, SESSION_COOKIE), undefined);
});
