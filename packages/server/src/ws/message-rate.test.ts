import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageRate } from './message-rate.ts';

test('a burst passes, the next frame is refused with the time until a token is back', () => {
  let now = 0;
  const rate = new MessageRate(10, 3, () => now);
  assert.deepEqual([rate.take(), rate.take(), rate.take()].map((t) => t.ok), [true, true, true]);
  assert.deepEqual(rate.take(), { ok: false, resetMs: 100 });
  now = 100;
  assert.equal(rate.take().ok, true);
  assert.equal(rate.take().ok, false);
});

test('tokens refill up to the burst and no further', () => {
  let now = 0;
  const rate = new MessageRate(1000, 2, () => now);
  now = 1_000_000;
  assert.equal(rate.take().ok, true);
  assert.equal(rate.take().ok, true);
  assert.equal(rate.take().ok, false);
});
