/**
 * Conformance cases about one node's bookkeeping: server conflicts, client id conflicts, invalid topics,
 * and cleanup (no listener or backend subscription left after 10,000 clients come and go).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelError, isKernelError } from '../../contracts/errors.ts';
import type { Bus } from '../bus.ts';
import { CASE, listen, onNodes } from './kit.ts';
import { rejectsWith } from './request-cases.ts';

export interface NodeCaseOptions<B extends Bus> {
  /** Subscriptions the backend itself holds (NATS: on the connection); checked to return to its baseline. */
  backendSubscriptions?: (bus: B) => number;
}

const throwsCode = (code: string) => (thrown: unknown) => isKernelError(thrown) && thrown.code === code;

export function nodeCases<B extends Bus>(makeBus: () => Promise<B>, options: NodeCaseOptions<B>): void {
  const make = async (): Promise<{ a: B; b: B }> => {
    const bus = await makeBus();
    return { a: bus, b: bus };
  };

  void test('a second server for a topic on one node is refused with conflict until the first closes', CASE, () =>
    onNodes(make, async ({ a }) => {
      const first = a.serve('only.one', (_request, respond) => respond.ack({ server: 1 }));
      assert.throws(() => a.serve('only.one', (_request, respond) => respond.ack({ server: 2 })), throwsCode('conflict'));
      first.close();
      first.close();
      a.serve('only.one', (_request, respond) => respond.ack({ server: 3 }));
      await a.flush();
      const client = a.connect({ onMessage: () => {} });
      assert.deepEqual(await client.request('only.one'), { server: 3 });
    }),
  );

  void test('a client id already connected on the node is refused with conflict', CASE, () =>
    onNodes(make, ({ a }) => {
      const first = a.connect({ id: 'same-id', onMessage: () => {} });
      assert.throws(() => a.connect({ id: 'same-id', onMessage: () => {} }), throwsCode('conflict'));
      first.close();
      a.connect({ id: 'same-id', onMessage: () => {} }).close();
      return Promise.resolve();
    }),
  );

  void test('topics and patterns outside the grammar are refused with payload_invalid', CASE, () =>
    onNodes(make, async ({ a }) => {
      const client = a.connect({ onMessage: () => {} });
      for (const topic of ['', 'a b', 'a.>', 'vm.*', 'a..b', '.a', 'a.', 'ünï', 'a\nb', 'x'.repeat(201)]) {
        assert.throws(() => client.publish(topic), throwsCode('payload_invalid'), JSON.stringify(topic));
        assert.throws(() => a.serve(topic, () => {}), throwsCode('payload_invalid'), JSON.stringify(topic));
        await rejectsWith(client.request(topic), 'payload_invalid');
      }
      for (const pattern of ['vm*', 'a.*.b', '**', 'a b', '>']) {
        assert.throws(() => client.subscribe(pattern), throwsCode('payload_invalid'), pattern);
      }
      assert.deepEqual(client.patterns(), []);
    }),
  );

  void test('the longest topic can be served, requested and answered on its longer reply topics', CASE, () =>
    onNodes(make, async ({ a }) => {
      const longest = `${'x'.repeat(96)}.${'y'.repeat(103)}`;
      assert.equal(longest.length, 200);
      a.serve(longest, (request, respond) => (request.payload?.fail === true ? respond.fail(new KernelError('conflict', 'no')) : respond.ack({ ok: true })));
      await a.flush();
      const client = a.connect({ onMessage: () => {} });
      assert.deepEqual(await client.request(longest), { ok: true });
      await rejectsWith(client.request(longest, { fail: true }), 'conflict');
      // Addressed envelopes go by `to`, so a reply to a malformed frame can still echo its topic.
      const { client: addressee, inbox } = listen(a);
      client.publish('bad topic!.error', { code: 'payload_invalid' }, { to: addressee.id });
      await inbox.waitForTopic('bad topic!.error');
    }),
  );

  void test('10,000 clients that subscribe and go leave no subscription behind', CASE, () =>
    onNodes(make, async ({ a }) => {
      const backendBefore = options.backendSubscriptions?.(a);
      const clients = Array.from({ length: 10_000 }, (_, n) => listen(a, ['shared.*', `own.${n}`, `own.${n}`]).client);
      await a.flush();
      assert.equal(a.stats().clients, 10_000);
      assert.equal(a.stats().subscriptions, 10_001);
      for (const client of clients) client.close();
      for (const client of clients) client.close();
      await a.flush();
      assert.equal(a.stats().clients, 0);
      assert.equal(a.stats().subscriptions, 0);
      if (options.backendSubscriptions !== undefined) assert.equal(options.backendSubscriptions(a), backendBefore);
      // The node still works after the churn.
      const { inbox } = listen(a, ['shared.*']);
      a.connect({ onMessage: () => {} }).publish('shared.after');
      await inbox.waitForTopic('shared.after');
    }),
  );
}
