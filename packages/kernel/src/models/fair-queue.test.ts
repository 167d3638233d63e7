/**
 * The fair queue: slots go to the highest priority first and round-robin between agents at equal
 * priority; the queue bound holds at its edge; an aborted waiter leaves the queue without taking a slot.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { FairQueue, type ReleaseSlot } from './fair-queue.ts';

const live = new AbortController().signal;

/** Queues one waiter per entry behind a held slot and returns the order in which they are served. */
async function serveOrder(queue: FairQueue, waiters: ReadonlyArray<{ label: string; agentId: string; priority?: number }>): Promise<string[]> {
  const holder = await queue.acquire({ agentId: 'holder', priority: 0, signal: live });
  const served: string[] = [];
  const pending = waiters.map(async ({ label, agentId, priority }) => {
    const release = await queue.acquire({ agentId, priority: priority ?? 0, signal: live });
    served.push(label);
    release();
  });
  holder();
  await Promise.all(pending);
  return served;
}

test('a free slot is granted at once', async () => {
  const queue = new FairQueue({ name: 'p', maxConcurrent: 2, maxQueued: 0 });
  const first = await queue.acquire({ agentId: 'a', priority: 0, signal: live });
  const second = await queue.acquire({ agentId: 'a', priority: 0, signal: live });
  assert.equal(queue.active, 2);
  first();
  second();
  assert.equal(queue.active, 0);
});

test('agents at equal priority take turns, each keeping its own order', async () => {
  const queue = new FairQueue({ name: 'p', maxConcurrent: 1, maxQueued: 100 });
  const order = await serveOrder(queue, [
    { label: 'a1', agentId: 'a' },
    { label: 'a2', agentId: 'a' },
    { label: 'a3', agentId: 'a' },
    { label: 'b1', agentId: 'b' },
    { label: 'c1', agentId: 'c' },
    { label: 'b2', agentId: 'b' },
  ]);
  assert.deepEqual(order, ['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
});

test('higher priority is served first, then round-robin within it', async () => {
  const queue = new FairQueue({ name: 'p', maxConcurrent: 1, maxQueued: 100 });
  const order = await serveOrder(queue, [
    { label: 'low-a', agentId: 'a', priority: 0 },
    { label: 'high-b1', agentId: 'b', priority: 5 },
    { label: 'high-b2', agentId: 'b', priority: 5 },
    { label: 'mid-c', agentId: 'c', priority: 1 },
    { label: 'high-d', agentId: 'd', priority: 5 },
  ]);
  assert.deepEqual(order, ['high-b1', 'high-d', 'high-b2', 'mid-c', 'low-a']);
});

test('the queue takes exactly maxQueued waiters and refuses the next with resource_exceeded', async () => {
  const queue = new FairQueue({ name: 'openai', maxConcurrent: 1, maxQueued: 2 });
  const holder = await queue.acquire({ agentId: 'a', priority: 0, signal: live });
  const waiting = [queue.acquire({ agentId: 'a', priority: 0, signal: live }), queue.acquire({ agentId: 'b', priority: 0, signal: live })];
  assert.equal(queue.queued, 2);
  await assert.rejects(queue.acquire({ agentId: 'c', priority: 9, signal: live }), (error) => isKernelError(error, 'resource_exceeded'));
  holder();
  for (const waiter of waiting) (await waiter)();
  assert.equal(queue.active, 0);
  assert.equal(queue.queued, 0);
});

test('a slot passes to a waiter before a newcomer can take it', async () => {
  const queue = new FairQueue({ name: 'p', maxConcurrent: 1, maxQueued: 10 });
  const holder = await queue.acquire({ agentId: 'a', priority: 0, signal: live });
  const waiter = queue.acquire({ agentId: 'b', priority: 0, signal: live });
  holder();
  const newcomer = queue.acquire({ agentId: 'c', priority: 0, signal: live });
  assert.equal(queue.queued, 1, 'the newcomer queues behind the waiter that got the slot');
  const releaseWaiter = await waiter;
  releaseWaiter();
  (await newcomer)();
});

test('aborting a queued call removes it and rejects it with cancelled; the rest are still served', async () => {
  const queue = new FairQueue({ name: 'p', maxConcurrent: 1, maxQueued: 10 });
  const holder = await queue.acquire({ agentId: 'a', priority: 0, signal: live });
  const abort = new AbortController();
  const cancelled = queue.acquire({ agentId: 'b', priority: 0, signal: abort.signal });
  const kept = queue.acquire({ agentId: 'c', priority: 0, signal: live });
  abort.abort();
  await assert.rejects(cancelled, (error) => isKernelError(error, 'cancelled'));
  assert.equal(queue.queued, 1);
  holder();
  const release: ReleaseSlot = await kept;
  assert.equal(queue.active, 1);
  release();
  release();
  assert.equal(queue.active, 0, 'releasing twice gives back one slot');
});

test('an already aborted signal is refused without queueing', async () => {
  const queue = new FairQueue({ name: 'p', maxConcurrent: 1, maxQueued: 10 });
  await assert.rejects(queue.acquire({ agentId: 'a', priority: 0, signal: AbortSignal.abort() }), (error) => isKernelError(error, 'cancelled'));
  assert.equal(queue.active, 0);
});
