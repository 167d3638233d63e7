/**
 * Conformance cases for bounded client queues (DESIGN §4 backpressure): droppable stream events are
 * dropped, counted and announced; anything else that finds a queue full closes the client; replies are
 * never dropped. Slow consumers live on node `b` and publish from `a`; the reply case requests from `a`
 * a server on `b`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CASE, type MakeNodes, listen, onNodes, track, until } from './kit.ts';
import { rejectsWith } from './request-cases.ts';

export function queueCases(make: MakeNodes): void {
  void test('droppable events beyond a paused client’s limit are dropped, counted, then announced', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      const slow = listen(b, ['q.*'], { queueLimit: 3 });
      const observer = listen(b, ['q.*']);
      const publisher = a.connect({ onMessage: () => {} });
      slow.client.pause();
      for (let n = 1; n <= 10; n++) publisher.publish('q.tick', { n }, { droppable: true });
      await observer.inbox.waitForTopic('q.tick', 10);
      assert.equal(slow.inbox.envelopes.length, 0);
      assert.deepEqual(slow.client.stats(), { queued: 3, delivered: 0, dropped: 7 });
      assert.equal(b.stats().dropped, 7);
      slow.client.resume();
      assert.deepEqual(slow.inbox.topics(), ['q.tick', 'q.tick', 'q.tick', 'bus.dropped']);
      assert.deepEqual(
        slow.inbox.envelopes.slice(0, 3).map((envelope) => envelope.payload?.n),
        [1, 2, 3],
      );
      const announcement = slow.inbox.envelopes[3];
      assert.deepEqual(announcement?.payload, { count: 7 });
      assert.equal(announcement?.to, slow.client.id);
      assert.equal(slow.client.closed, false);
      // The client is whole again: the next event is delivered as usual.
      publisher.publish('q.tick', { n: 11 }, { droppable: true });
      await slow.inbox.waitFor((received) => received.at(-1)?.payload?.n === 11);
    }),
  );

  void test('a non-droppable envelope into a full queue closes the client and calls onOverflow once, shielding the publisher', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      let overflows = 0;
      const onOverflow = (): void => {
        overflows++;
        throw new Error('the client’s own failure');
      };
      const slow = listen(b, ['q.*'], { queueLimit: 2, onOverflow });
      const observer = listen(b, ['q.*']);
      const publisher = a.connect({ onMessage: () => {} });
      slow.client.pause();
      for (let n = 1; n <= 4; n++) publisher.publish('q.important', { n });
      await observer.inbox.waitForTopic('q.important', 4);
      assert.equal(slow.client.closed, true);
      assert.equal(overflows, 1);
      assert.deepEqual(slow.client.patterns(), []);
      assert.equal(b.stats().clients, a === b ? 2 : 1);
      slow.client.resume();
      assert.equal(slow.inbox.envelopes.length, 0);
    }),
  );

  void test('a reply waits in a paused client’s queue until resume, and a full queue closes the client rather than drop it', CASE, () =>
    onNodes(make, async ({ a, b }) => {
      b.serve('echo.it', (request, respond) => respond.ack({ echoed: request.payload?.n }));
      await b.flush();
      let overflows = 0;
      const requester = listen(a, ['f.*'], { queueLimit: 2, onOverflow: () => void overflows++ });
      const filler = a.connect({ onMessage: () => {} });

      requester.client.pause();
      const first = track(requester.client.request('echo.it', { n: 1 }));
      await until(() => requester.client.stats().queued === 1);
      assert.equal(first.settled(), false);
      requester.client.resume();
      assert.deepEqual(await first.promise, { echoed: 1 });

      requester.client.pause();
      filler.publish('f.fill', {}, { droppable: true });
      filler.publish('f.fill', {}, { droppable: true });
      assert.equal(requester.client.stats().queued, 2);
      const second = requester.client.request('echo.it', { n: 2 });
      await rejectsWith(second, 'cancelled');
      assert.equal(requester.client.closed, true);
      assert.equal(overflows, 1);
    }),
  );
}
