/**
 * Shared event-log behaviour: consecutive seqs from 1, ordered reads, optimistic concurrency, atomic
 * batches, concurrent appenders that never duplicate or skip a seq, stream listing, bad input.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import type { NewEvent } from './event-log.ts';
import { type StoreFactory, withStore } from './with-store.ts';

const events = (n: number, type = 'step'): NewEvent[] => Array.from({ length: n }, (_, i) => ({ type, data: { i } }));

export function eventLogSuite(factory: StoreFactory): void {
  void it('assigns consecutive seqs per stream starting at 1 and reads them back in order', () =>
    withStore(factory, async ({ events: log }) => {
      const first = await log.append('run/a', events(3));
      assert.deepEqual(first.map((e) => e.seq), [1, 2, 3]);
      await log.append('run/b', events(1));
      const second = await log.append('run/a', [{ type: 'done', data: { ok: true, nested: { list: [1, 'two', null] }, text: 'héllo ✓' } }]);
      assert.equal(second[0]?.seq, 4);
      const read = await log.read('run/a');
      assert.deepEqual(read.map((e) => [e.seq, e.type]), [[1, 'step'], [2, 'step'], [3, 'step'], [4, 'done']]);
      assert.deepEqual(read[3]?.data, { ok: true, nested: { list: [1, 'two', null] }, text: 'héllo ✓' });
      assert.deepEqual(read.slice(0, 3), first);
      assert.match(read[0]?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual((await log.read('run/b')).map((e) => e.seq), [1]);
    }));

  void it('reads after a seq, up to a limit', () =>
    withStore(factory, async ({ events: log }) => {
      await log.append('run/a', events(10));
      assert.deepEqual((await log.read('run/a', { afterSeq: 4, limit: 3 })).map((e) => e.seq), [5, 6, 7]);
      assert.deepEqual(await log.read('run/a', { afterSeq: 10 }), []);
      assert.deepEqual(await log.read('run/unknown'), []);
      await assert.rejects(log.read('run/a', { limit: 0 }), (error) => isKernelError(error, 'payload_invalid'));
      await assert.rejects(log.read('run/a', { afterSeq: -1 }), (error) => isKernelError(error, 'payload_invalid'));
    }));

  void it('reads one event by seq, or undefined when there is none', () =>
    withStore(factory, async ({ events: log }) => {
      const [, second] = await log.append('run/a', events(3));
      assert.deepEqual(await log.get('run/a', 2), second);
      assert.equal(await log.get('run/a', 4), undefined);
      assert.equal(await log.get('run/b', 1), undefined);
      await assert.rejects(log.get('run/a', 1.5), (error) => isKernelError(error, 'payload_invalid'));
    }));

  void it('returns the last event of a stream, or undefined for a stream never written', () =>
    withStore(factory, async ({ events: log }) => {
      assert.equal(await log.last('run/a'), undefined);
      await log.append('run/a', events(2));
      await log.append('run/a', [{ type: 'done', data: {} }]);
      const last = await log.last('run/a');
      assert.deepEqual([last?.seq, last?.type], [3, 'done']);
    }));

  void it('appends when expectedSeq matches and refuses with conflict, writing nothing, when it does not', () =>
    withStore(factory, async ({ events: log }) => {
      await log.append('run/a', events(1), { expectedSeq: 0 });
      await log.append('run/a', events(2), { expectedSeq: 1 });
      await assert.rejects(log.append('run/a', events(1), { expectedSeq: 1 }), (error) => {
        assert.ok(isKernelError(error, 'conflict'));
        assert.deepEqual(error.details, { stream: 'run/a', expectedSeq: 1, actualSeq: 3 });
        return true;
      });
      await assert.rejects(log.append('run/new', events(1), { expectedSeq: 5 }), (error) => isKernelError(error, 'conflict'));
      await assert.rejects(log.append('run/a', [], { expectedSeq: 2 }), (error) => isKernelError(error, 'conflict'));
      assert.deepEqual(await log.append('run/a', [], { expectedSeq: 3 }), []);
      assert.equal((await log.read('run/a')).length, 3);
      assert.equal(await log.last('run/new'), undefined);
    }));

  void it('never duplicates or skips a seq under concurrent appends to one stream', () =>
    withStore(factory, async ({ events: log }) => {
      const sizes = Array.from({ length: 40 }, (_, i) => (i % 3) + 1);
      const results = await Promise.all(sizes.map((n, i) => log.append('run/hot', events(n, `writer-${i}`))));
      const total = sizes.reduce((a, b) => a + b, 0);
      const seqs = results.flat().map((e) => e.seq).sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i + 1));
      for (const batch of results) {
        // each batch is contiguous: nothing interleaved into it
        assert.deepEqual(batch.map((e) => e.seq - (batch[0]?.seq ?? 0)), batch.map((_, i) => i));
      }
      const stored = await log.read('run/hot');
      assert.deepEqual(stored.map((e) => e.seq), seqs);
    }));

  void it('lets exactly one of several appends with the same expectedSeq win', () =>
    withStore(factory, async ({ events: log }) => {
      await log.append('run/race', events(1));
      const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => log.append('run/race', events(1), { expectedSeq: 1 })));
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      for (const o of outcomes) if (o.status === 'rejected') assert.ok(isKernelError(o.reason, 'conflict'));
      assert.equal((await log.last('run/race'))?.seq, 2);
    }));

  void it('appends a large batch atomically, and writes nothing of a batch with a bad event', () =>
    withStore(factory, async ({ events: log }) => {
      const big = await log.append('run/a', events(250));
      assert.deepEqual([big.length, big.at(-1)?.seq], [250, 250]);
      await assert.rejects(log.append('run/a', [...events(5), { type: '', data: {} }]), (error) => isKernelError(error, 'payload_invalid'));
      await assert.rejects(log.append('run/a', events(1001)), (error) => isKernelError(error, 'payload_too_large'));
      assert.equal((await log.last('run/a'))?.seq, 250);
    }));

  void it('refuses bad stream names and data', () =>
    withStore(factory, async ({ events: log }) => {
      for (const stream of ['', 'has space', 'x'.repeat(257), 'ünï']) {
        await assert.rejects(log.append(stream, events(1)), (error) => isKernelError(error, 'payload_invalid'));
      }
      const bad = [{ type: 't', data: [] as unknown as Record<string, unknown> }];
      await assert.rejects(log.append('run/a', bad), (error) => isKernelError(error, 'payload_invalid'));
      await assert.rejects(log.append('run/a', [{ type: 't', data: { n: 10n } }]), (error) => isKernelError(error, 'payload_invalid'));
      await assert.rejects(log.append('run/a', [{ type: 't', data: { s: 'x'.repeat(1024 * 1024) } }]), (error) =>
        isKernelError(error, 'payload_too_large'),
      );
    }));

  void it('lists streams by prefix in name order, paged with after', () =>
    withStore(factory, async ({ events: log }) => {
      for (const stream of ['task/2', 'agent/b', 'agent/a', 'agent/c', 'agentx', 'agent/a/child']) await log.append(stream, events(2));
      const all = await log.streams({ prefix: 'agent/', limit: 100 });
      assert.deepEqual(all.map((s) => s.stream), ['agent/a', 'agent/a/child', 'agent/b', 'agent/c']);
      assert.equal(all[0]?.lastSeq, 2);
      const page1 = await log.streams({ prefix: 'agent/', limit: 2 });
      const page2 = await log.streams({ prefix: 'agent/', after: page1.at(-1)?.stream ?? '', limit: 2 });
      assert.deepEqual([...page1, ...page2].map((s) => s.stream), all.map((s) => s.stream));
      assert.equal((await log.streams({ limit: 100 })).length, 6);
      await assert.rejects(log.streams({ limit: 0 }), (error) => isKernelError(error, 'payload_invalid'));
    }));
}
