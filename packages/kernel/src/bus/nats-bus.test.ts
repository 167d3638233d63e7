/**
 * NatsBus against the shared bus conformance suite and in cases only a cluster has, on the real local
 * NATS server. Every bus gets a fresh subject prefix, so runs never see each other's traffic.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { TEST_NATS_URL, skipUnless } from '../testing/services.ts';
import { busConformanceSuite } from './bus-conformance.ts';
import { rejectsWith } from './conformance/request-cases.ts';
import { listen } from './conformance/kit.ts';
import { NatsBus } from './nats-bus.ts';

const skip = await skipUnless('nats', TEST_NATS_URL);
const freshPrefix = (): string => `test.${randomUUID().replaceAll('-', '')}`;
const node = (subjectPrefix: string): Promise<NatsBus> => NatsBus.connect({ url: TEST_NATS_URL, subjectPrefix, name: 'aether-test' });

busConformanceSuite('NatsBus', () => node(freshPrefix()), {
  skip,
  makePair: async () => {
    const prefix = freshPrefix();
    return [await node(prefix), await node(prefix)] as const;
  },
  backendSubscriptions: (bus) => bus.natsSubscriptionCount(),
});

void describe('NatsBus across nodes', { skip }, () => {
  const prefix = freshPrefix();
  const nodes: NatsBus[] = [];
  const join = async (): Promise<NatsBus> => {
    const bus = await node(prefix);
    nodes.push(bus);
    return bus;
  };
  after(() => Promise.all(nodes.map((bus) => bus.close())));

  void test('an event published on one node reaches subscribers on every node, once each', async () => {
    const [a, b] = [await join(), await join()];
    const remote = listen(b, ['x.*']);
    const local = listen(a, ['x.*', 'x.event']);
    listen(a).client.publish('x.event', { n: 1 });
    await remote.inbox.waitForTopic('x.event');
    // Sent from b once b has the event: it reaches a after any echo of a's own event would have.
    listen(b).client.publish('x.marker');
    await local.inbox.waitForTopic('x.marker');
    assert.deepEqual(local.inbox.topics(), ['x.event', 'x.marker']);
    assert.deepEqual(remote.inbox.envelopes[0]?.payload, { n: 1 });
  });

  void test('a request served on another node is answered across nodes, addressed to the requester', async () => {
    const [a, b] = [await join(), await join()];
    b.serve('far.echo', (request, respond) => respond.ack({ from: request.from }));
    await b.flush();
    const client = listen(a, ['far.*']).client;
    assert.deepEqual(await client.request('far.echo'), { from: client.id });
  });

  void test('a request served by two nodes is handled by exactly one of them', async () => {
    const [requester, first, second] = [await join(), await join(), await join()];
    const handled: string[] = [];
    first.serve('work.item', (request, respond) => {
      handled.push(`first:${String(request.payload?.n)}`);
      respond.ack({ by: 'first' });
    });
    second.serve('work.item', (request, respond) => {
      handled.push(`second:${String(request.payload?.n)}`);
      respond.ack({ by: 'second' });
    });
    await Promise.all([first.flush(), second.flush()]);
    const client = requester.connect({ onMessage: () => {} });
    const replies = await Promise.all(Array.from({ length: 50 }, (_, n) => client.request('work.item', { n })));
    assert.equal(replies.length, 50);
    assert.equal(handled.length, 50);
    assert.deepEqual(new Set(handled.map((entry) => entry.split(':')[1])).size, 50);
  });

  void test('client ids NATS cannot carry in a subject still receive addressed envelopes', async () => {
    const [a, b] = [await join(), await join()];
    const odd = listen(b, [], { id: 'user alice.* > ünï' });
    await b.flush();
    listen(a).client.publish('odd.hello', { ok: true }, { to: 'user alice.* > ünï' });
    await odd.inbox.waitForTopic('odd.hello');
    assert.equal(odd.inbox.envelopes[0]?.to, 'user alice.* > ünï');
  });

  void test('an envelope over the NATS max_payload is refused with payload_too_large', async () => {
    const a = await join();
    const client = a.connect({ onMessage: () => {} });
    const huge = { blob: 'x'.repeat(2 * 1024 * 1024) };
    assert.throws(() => client.publish('big.event', huge), (thrown: unknown) => thrown instanceof Error && 'code' in thrown && thrown.code === 'payload_too_large');
    await rejectsWith(client.request('big.request', huge), 'payload_too_large');
  });

  void test('a burst larger than one NATS message arrives complete and in publish order', async () => {
    const [a, b] = [await join(), await join()];
    const { inbox } = listen(b, ['burst.*']);
    const publisher = a.connect({ onMessage: () => {} });
    const big = 'y'.repeat(200_000);
    for (let n = 0; n < 3_000; n++) {
      publisher.publish(n % 2 === 0 ? 'burst.even' : 'burst.odd', { n, pad: 'z'.repeat(50) }, { droppable: n % 3 === 0 });
      if (n === 1_500) publisher.publish('burst.big', { n: -1, big });
    }
    await inbox.waitFor((received) => received.length === 3_001);
    const order = inbox.envelopes.map((envelope) => envelope.payload?.n);
    assert.deepEqual(order, [...Array.from({ length: 1_501 }, (_, n) => n), -1, ...Array.from({ length: 1_499 }, (_, n) => n + 1_501)]);
    assert.equal(inbox.of('burst.big')[0]?.payload?.big, big);
  });

  void test('a reply too large for NATS reaches the requester as payload_too_large', async () => {
    const [a, b] = [await join(), await join()];
    b.serve('huge.reply', (_request, respond) => respond.ack({ blob: 'x'.repeat(2 * 1024 * 1024) }));
    await b.flush();
    await rejectsWith(a.connect({ onMessage: () => {} }).request('huge.reply'), 'payload_too_large');
  });

  void test('closing a node drains its connection and releases its subscriptions', async () => {
    const a = await join();
    listen(a, ['z.*']);
    a.serve('z.svc', () => {});
    await a.close();
    assert.equal(a.stats().clients, 0);
    assert.equal(a.natsSubscriptionCount(), 0);
    assert.throws(() => a.connect({ onMessage: () => {} }), (thrown: unknown) => thrown instanceof Error && 'code' in thrown && thrown.code === 'cancelled');
  });
});
