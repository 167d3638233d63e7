/**
 * Conformance cases for event delivery: patterns, unsubscribe, addressed delivery, failing subscribers
 * and stream sequence numbers. Publishers live on node `a`, subscribers on node `b`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEQUENCE, STREAM } from '../envelope.ts';
import { CASE, type MakeNodes, listen, onNodes } from './kit.ts';

export function deliveryCases(make: MakeNodes): void {
  void test('exact and trailing-star patterns receive what they match, once per client', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      const exact = listen(b, ['w.exact']);
      const star = listen(b, ['w.*']);
      const both = listen(b, ['w.exact', 'w.*']);
      const colon = listen(b, ['vfs:*']);
      const all = listen(b, ['*']);
      const publisher = a.connect({ onMessage: () => {} });
      await b.flush();
      const topics = ['w.exact', 'w.other', 'w.deep.er', 'vfs:write', 'vfs.write', 'w', 'wx.exact'];
      for (const topic of topics) publisher.publish(topic, { topic });
      await all.inbox.waitFor((received) => received.length === topics.length);
      assert.deepEqual(all.inbox.topics(), topics);
      assert.deepEqual(exact.inbox.topics(), ['w.exact']);
      assert.deepEqual(star.inbox.topics(), ['w.exact', 'w.other', 'w.deep.er']);
      assert.deepEqual(both.inbox.topics(), ['w.exact', 'w.other', 'w.deep.er']);
      assert.deepEqual(colon.inbox.topics(), ['vfs:write']);
      const [first] = exact.inbox.envelopes;
      assert.equal(first?.from, publisher.id);
      assert.deepEqual(first?.payload, { topic: 'w.exact' });
    }),
  );

  void test('unsubscribing stops delivery of that pattern only', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      const { client, inbox } = listen(b, ['u.a', 'u.*']);
      const publisher = a.connect({ onMessage: () => {} });
      client.unsubscribe('u.a');
      client.unsubscribe('never.subscribed');
      assert.deepEqual(client.patterns(), ['u.*']);
      publisher.publish('u.a');
      await inbox.waitForTopic('u.a');
      client.unsubscribe('u.*');
      client.subscribe('u.marker');
      publisher.publish('u.b');
      publisher.publish('u.marker');
      await inbox.waitForTopic('u.marker');
      assert.deepEqual(inbox.topics(), ['u.a', 'u.marker']);
    }),
  );

  void test('an addressed envelope reaches only its addressee, whatever the others subscribe to', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      const addressee = listen(b, ['*']);
      const bystander = listen(b, ['*', 'p.secret']);
      const unsubscribed = listen(b);
      const sameNode = listen(a, ['*']);
      const publisher = a.connect({ onMessage: () => {} });
      await b.flush();
      publisher.publish('p.secret', { n: 1 }, { to: addressee.client.id });
      publisher.publish('p.direct', { n: 2 }, { to: unsubscribed.client.id });
      publisher.publish('p.marker');
      await bystander.inbox.waitForTopic('p.marker');
      await unsubscribed.inbox.waitForTopic('p.direct');
      await sameNode.inbox.waitForTopic('p.marker');
      assert.deepEqual(addressee.inbox.topics(), ['p.secret', 'p.marker']);
      assert.equal(addressee.inbox.envelopes[0]?.to, addressee.client.id);
      assert.deepEqual(bystander.inbox.topics(), ['p.marker']);
      assert.deepEqual(unsubscribed.inbox.topics(), ['p.direct']);
      assert.deepEqual(sameNode.inbox.topics(), ['p.marker']);
    }),
  );

  void test('a subscriber that throws does not stop delivery to itself or to others', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      const thrower = b.connect({
        onMessage: () => {
          throw new Error('subscriber failure');
        },
      });
      thrower.subscribe('t.*');
      const { inbox } = listen(b, ['t.*']);
      const publisher = a.connect({ onMessage: () => {} });
      for (let n = 0; n < 3; n++) publisher.publish('t.tick', { n });
      await inbox.waitForTopic('t.tick', 3);
      assert.equal(thrower.stats().delivered, 3);
      assert.equal(thrower.closed, false);
    }),
  );

  void test('stream events carry a sequence number per stream, restarting when the stream ends', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      const { inbox } = listen(b, ['s.*']);
      const publisher = a.connect({ onMessage: () => {} });
      const plan = ['x', 'y', 'x', 'x', 'y', 'x', 'x', 'y'];
      for (const stream of plan) publisher.publish('s.out', { stream }, { stream: `stream-${stream}`, droppable: true });
      a.endStream('stream-x');
      publisher.publish('s.out', { stream: 'x' }, { stream: 'stream-x' });
      await inbox.waitForTopic('s.out', plan.length + 1);
      const sequence = (stream: string): unknown[] =>
        inbox.envelopes.filter((envelope) => envelope.payload?.[STREAM] === stream).map((envelope) => envelope.payload?.[SEQUENCE]);
      assert.deepEqual(sequence('stream-x'), [1, 2, 3, 4, 5, 1]);
      assert.deepEqual(sequence('stream-y'), [1, 2, 3]);
      assert.equal(inbox.envelopes[0]?.payload?.stream, 'x');
    }),
  );
}
