import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKernelError } from '../contracts/errors.ts';
import { RateLimiter, RateLimitRuleSchema } from './rate-limiter.ts';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

void test('exactly burst requests pass, the next is told when to retry, and after that one more passes', () => {
  const time = clock();
  const limiter = new RateLimiter([{ topic: 'vm.spawn', limit: 3, burst: 5, window_ms: 1000 }], { now: time.now });
  for (let i = 0; i < 5; i++) assert.deepEqual(limiter.take('user:alice', 'vm.spawn'), { ok: true }, `request ${i}`);
  const denied = limiter.take('user:alice', 'vm.spawn');
  // 3 tokens per 1000 ms: the next token is 333.3 ms away, rounded up.
  assert.deepEqual(denied, { ok: false, resetMs: 334 });
  time.advance(333);
  assert.equal(limiter.take('user:alice', 'vm.spawn').ok, false);
  time.advance(1);
  assert.deepEqual(limiter.take('user:alice', 'vm.spawn'), { ok: true });
  assert.equal(limiter.take('user:alice', 'vm.spawn').ok, false);
});

void test('buckets are per principal and per topic', () => {
  const time = clock();
  const limiter = new RateLimiter([{ topic: 'vm.*', limit: 1, burst: 1, window_ms: 60_000 }], { now: time.now });
  assert.equal(limiter.take('user:a', 'vm.spawn').ok, true);
  assert.equal(limiter.take('user:a', 'vm.spawn').ok, false);
  assert.equal(limiter.take('user:b', 'vm.spawn').ok, true);
  assert.equal(limiter.take('user:a', 'vm.kill').ok, true);
  assert.deepEqual(limiter.take('user:a', 'vm.kill'), { ok: false, resetMs: 60_000 });
});

void test('topics without a rule are unlimited and make no buckets', () => {
  const limiter = new RateLimiter([{ topic: 'vm.spawn', limit: 1, burst: 1, window_ms: 1000 }]);
  for (let i = 0; i < 1000; i++) assert.equal(limiter.take('user:a', 'kernel.status').ok, true);
  assert.equal(limiter.size, 0);
});

void test('an exact rule beats a prefix, and a longer prefix beats a shorter one', () => {
  const time = clock();
  const limiter = new RateLimiter(
    [
      { topic: '*', limit: 100, burst: 100, window_ms: 1000 },
      { topic: 'vm.*', limit: 1, burst: 2, window_ms: 1000 },
      { topic: 'vm.list', limit: 1, burst: 3, window_ms: 1000 },
    ],
    { now: time.now },
  );
  const passes = (topic: string): number => {
    let n = 0;
    while (limiter.take('p', topic).ok) n++;
    return n;
  };
  assert.equal(passes('vm.list'), 3);
  assert.equal(passes('vm.spawn'), 2);
  assert.equal(passes('agent.spawn'), 100);
});

void test('the bucket never holds more than burst, however long it was idle', () => {
  const time = clock();
  const limiter = new RateLimiter([{ topic: 't', limit: 10, burst: 2, window_ms: 1000 }], { now: time.now });
  limiter.take('p', 't');
  time.advance(86_400_000);
  assert.equal(limiter.take('p', 't').ok, true);
  assert.equal(limiter.take('p', 't').ok, true);
  assert.equal(limiter.take('p', 't').ok, false);
});

void test('a clock that steps back refills nothing', () => {
  const time = clock();
  const limiter = new RateLimiter([{ topic: 't', limit: 1, burst: 1, window_ms: 1000 }], { now: time.now });
  assert.equal(limiter.take('p', 't').ok, true);
  time.advance(-5000);
  assert.deepEqual(limiter.take('p', 't'), { ok: false, resetMs: 1000 });
});

void test('bucket count never exceeds the cap under a million distinct principals', () => {
  const time = clock();
  const cap = 10_000;
  const limiter = new RateLimiter([{ topic: 'vm.*', limit: 5, burst: 5, window_ms: 1000 }], { now: time.now, maxBuckets: cap });
  let max = 0;
  for (let i = 0; i < 1_000_000; i++) {
    limiter.take(`user:${i}`, 'vm.spawn');
    if (limiter.size > max) max = limiter.size;
    if (i % 1000 === 0) time.advance(1);
  }
  assert.ok(max <= cap, `peaked at ${max}`);
  assert.equal(max, cap);
});

void test('full buckets are evicted before a bucket that is still draining', () => {
  const time = clock();
  const limiter = new RateLimiter([{ topic: 't', limit: 1, burst: 1, window_ms: 60_000 }], { now: time.now, maxBuckets: 4 });
  limiter.take('hot', 't');
  time.advance(30_000);
  for (const p of ['a', 'b', 'c']) limiter.take(p, 't');
  time.advance(40_000);
  // hot is now the most recently used and empty again; a, b and c refill to full 60 s after their take.
  limiter.take('hot', 't');
  time.advance(59_000);
  limiter.take('new', 't');
  assert.equal(limiter.size, 2, 'a, b and c (full) were evicted, not the least recently used first');
  assert.equal(limiter.take('hot', 't').ok, false, 'the draining bucket kept its state');
});

void test('when every bucket is draining, the least recently used goes', () => {
  const time = clock();
  const limiter = new RateLimiter([{ topic: 't', limit: 1, burst: 1, window_ms: 60_000 }], { now: time.now, maxBuckets: 2 });
  limiter.take('p1', 't');
  limiter.take('p2', 't');
  limiter.take('p1', 't'); // p1 is now the most recently used
  limiter.take('p3', 't');
  assert.equal(limiter.size, 2);
  assert.equal(limiter.take('p1', 't').ok, false, 'p1 kept its bucket');
  assert.equal(limiter.take('p3', 't').ok, false, 'p3 kept its bucket');
});

void test('rules are validated with their position', () => {
  assert.throws(
    () => new RateLimiter([{ topic: 'a', limit: 1, burst: 1, window_ms: 1 }, { topic: 'b', limit: 0, burst: 1, window_ms: 1 }]),
    (e: unknown) => isKernelError(e, 'payload_invalid') && /rate_limits\[1\]/.test(e.message),
  );
  assert.equal(RateLimitRuleSchema.safeParse({ topic: 'a', limit: 1, burst: 1.5, window_ms: 1 }).success, false);
  assert.equal(RateLimitRuleSchema.safeParse({ topic: 'a', limit: 1, burst: 1, window_ms: 1, x: 1 }).success, false);
});
