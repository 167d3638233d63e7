/**
 * Conformance cases for request/reply: correlation, error replies, timeouts, unserved topics and bus
 * shutdown. Requesters live on node `a`, servers on node `b`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelError, isKernelError } from '../../contracts/errors.ts';
import type { Responder } from '../bus.ts';
import { REQUEST_ID } from '../envelope.ts';
import { CASE, type MakeNodes, listen, onNodes, track, until } from './kit.ts';

/** Asserts that a promise rejects with a KernelError of `code` and returns it. */
export async function rejectsWith(promise: Promise<unknown>, code: KernelError['code']): Promise<KernelError> {
  try {
    await promise;
  } catch (thrown) {
    assert.ok(isKernelError(thrown), `expected a KernelError, got ${String(thrown)}`);
    assert.equal(thrown.code, code, thrown.message);
    return thrown;
  }
  assert.fail(`expected a ${code} rejection`);
}

export function requestCases(make: MakeNodes): void {
  void test('each request gets its own reply, correlated by _request_id', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      const held: Responder[] = [];
      const seen = new Set<unknown>();
      const count = 20;
      b.serve('calc.double', (request, respond) => {
        seen.add(request.payload?.[REQUEST_ID]);
        held.push(respond);
        // Answer in reverse order of arrival once all are in, so only correlation can pair them up.
        if (held.length === count) for (const r of held.reverse()) r.ack({ doubled: Number(r.request.payload?.n) * 2 });
      });
      await b.flush();
      const { client, inbox } = listen(a, ['calc.*']);
      const replies = await Promise.all(Array.from({ length: count }, (_, n) => client.request('calc.double', { n })));
      assert.deepEqual(replies, Array.from({ length: count }, (_, n) => ({ doubled: n * 2 })));
      assert.equal(seen.size, count);
      assert.ok(!seen.has(undefined));
      // Settled replies go to the pending request, not to onMessage.
      assert.deepEqual(inbox.envelopes, []);
    }),
  );

  void test('error replies reject with the KernelError code and details; a throwing handler is internal_error', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      b.serve('vault:open', (_request, respond) => respond.fail(new KernelError('permission_denied', 'no key', { need: 'vault.open' })));
      b.serve('crash.now', () => {
        throw new Error('secret internals');
      });
      await b.flush();
      const client = a.connect({ onMessage: () => {} });
      const denied = await rejectsWith(client.request('vault:open'), 'permission_denied');
      assert.equal(denied.message, 'no key');
      assert.deepEqual(denied.details, { need: 'vault.open' });
      const crashed = await rejectsWith(client.request('crash.now'), 'internal_error');
      assert.ok(!crashed.message.includes('secret'));
    }),
  );

  void test('an observer subscribed to the reply topics sees no one else’s replies', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      b.serve('calc.one', (_request, respond) => respond.ack({ one: 1 }));
      b.serve('calc.fail', (_request, respond) => respond.fail(new KernelError('not_found', 'nothing')));
      const observer = listen(b, ['*']);
      const sameNode = listen(a, ['*']);
      await b.flush();
      const client = a.connect({ onMessage: () => {} });
      assert.deepEqual(await client.request('calc.one'), { one: 1 });
      await rejectsWith(client.request('calc.fail'), 'not_found');
      const marker = a.connect({ onMessage: () => {} });
      marker.publish('calc.marker');
      await observer.inbox.waitForTopic('calc.marker');
      assert.deepEqual(observer.inbox.topics(), ['calc.marker']);
      assert.deepEqual(sameNode.inbox.topics(), ['calc.marker']);
    }),
  );

  void test('a request nobody answers times out with timeout', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      b.serve('slow.never', () => {});
      await b.flush();
      const client = a.connect({ onMessage: () => {} });
      const error = await rejectsWith(client.request('slow.never', {}, { timeoutMs: 50 }), 'timeout');
      assert.deepEqual(error.details, { timeoutMs: 50 });
    }),
  );

  void test('a request to a topic nobody serves fails at once with not_found, not by timing out', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      const served = b.serve('gone.soon', (_request, respond) => respond.ack());
      await b.flush();
      served.close();
      await b.flush();
      const client = a.connect({ onMessage: () => {} });
      // The case's own timeout is far below this one: only a prompt not_found passes.
      await rejectsWith(client.request('nobody.home', {}, { timeoutMs: 3_600_000 }), 'not_found');
      await rejectsWith(client.request('gone.soon', {}, { timeoutMs: 3_600_000 }), 'not_found');
    }),
  );

  void test('closing the requester’s bus fails its pending requests with cancelled', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      let received = 0;
      b.serve('hold.forever', () => void received++);
      await b.flush();
      const client = a.connect({ onMessage: () => {} });
      const pending = track(client.request('hold.forever', {}, { timeoutMs: 3_600_000 }));
      await until(() => received === 1);
      assert.equal(pending.settled(), false);
      await a.close();
      await rejectsWith(pending.promise, 'cancelled');
      assert.equal(client.closed, true);
      assert.equal(a.stats().clients, 0);
      await rejectsWith(client.request('hold.forever'), 'cancelled');
    }),
  );
}
