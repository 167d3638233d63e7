/**
 * The FIFO mutex: one holder at a time, waiters served in arrival order, released even when the
 * critical section throws, and a release function that only works once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Mutex } from './async-mutex.ts';

void describe('Mutex', () => {
  void it('runs critical sections one at a time in arrival order', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const section = (name: string) => async (): Promise<void> => {
      log.push(`${name} in`);
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`${name} out`);
    };
    await Promise.all([mutex.run(section('a')), mutex.run(section('b')), mutex.run(section('c'))]);
    assert.deepEqual(log, ['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    assert.equal(mutex.locked, false);
  });

  void it('releases when the critical section throws', async () => {
    const mutex = new Mutex();
    await assert.rejects(mutex.run(() => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await mutex.run(() => Promise.resolve('next')), 'next');
  });

  void it('ignores a second call of the same release', async () => {
    const mutex = new Mutex();
    const release = await mutex.acquire();
    const waiter = mutex.acquire();
    release();
    release();
    const second = await waiter;
    assert.equal(mutex.locked, true);
    second();
    assert.equal(mutex.locked, false);
  });
});
