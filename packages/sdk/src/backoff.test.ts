import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.ts';

test('the ceiling doubles per attempt up to the maximum, and the delay is jittered below it', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };
  const top = (attempt: number): number => backoffDelay(attempt, options, () => 0.999999);
  assert.deepEqual([0, 1, 2, 3, 4, 10, 1000].map(top), [99, 199, 399, 799, 999, 999, 999]);
  assert.equal(backoffDelay(3, options, () => 0), 0);
  assert.equal(backoffDelay(3, options, () => 0.5), 400);
});
