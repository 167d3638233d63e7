import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AetherError, isAetherError } from './errors.ts';

test('an error payload becomes a typed error with its wire code and details', () => {
  const error = AetherError.fromPayload({ _request_id: 'r1', code: 'rate_limited', error: 'slow down', details: { resetMs: 10 } });
  assert.ok(isAetherError(error, 'rate_limited'));
  assert.equal(error.message, 'slow down');
  assert.deepEqual(error.details, { resetMs: 10 });
});

test('anything else is not an error payload', () => {
  assert.equal(AetherError.fromPayload({ code: 'made_up' }), undefined);
  assert.equal(AetherError.fromPayload({ ok: true }), undefined);
});
