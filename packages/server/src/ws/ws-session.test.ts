import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';
import { UpgradeRefused, WireSocket } from '../testing/wire-socket.ts';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon({ server: { allowed_origins: ['https://desk.example.com'], ws: { messages_per_second: 1, message_burst: 5 } } });
});
after(() => daemon.dispose());

test('a socket with the admin token calls a contract and gets the correlated ack', async () => {
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  const reply = await socket.call('kernel.status');
  assert.equal(reply.topic, 'kernel.status:ack');
  assert.equal(reply.payload?.version, daemon.kernel.version);
  assert.match(reply.from, /.+/);
  await socket.close();
});

test('an unauthenticated socket connects, but non-public contracts answer unauthenticated', async () => {
  const socket = await WireSocket.open(daemon.wsUrl);
  const reply = await socket.call('kernel.status');
  assert.equal(reply.topic, 'kernel.status.error');
  assert.equal(reply.payload?.code, 'unauthenticated');
  await socket.close();
});

test('a bad bearer token is refused at the upgrade with 401', async () => {
  for (const token of ['aet_nope', 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiJ9.']) {
    await assert.rejects(WireSocket.open(daemon.wsUrl, { authorization: `Bearer ${token}` }), (thrown) => thrown instanceof UpgradeRefused && thrown.status === 401);
  }
});

test('a page from a foreign origin gets no socket; same origin and allowlisted origins do', async () => {
  await assert.rejects(WireSocket.open(daemon.wsUrl, { origin: 'https://evil.example' }), (thrown) => thrown instanceof UpgradeRefused && thrown.status === 403);
  await assert.rejects(WireSocket.open(daemon.wsUrl, { origin: 'null' }), (thrown) => thrown instanceof UpgradeRefused && thrown.status === 403);
  for (const origin of [daemon.url, 'https://desk.example.com']) {
    const socket = await WireSocket.open(daemon.wsUrl, { origin });
    await socket.close();
  }
});

test('subscribed events arrive; addressed replies go only to their caller', async () => {
  const a = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  const b = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  assert.equal((await a.call('bus.subscribe', { pattern: 'demo.*' })).topic, 'bus.subscribe:ack');
  assert.equal((await b.call('bus.subscribe', { pattern: '*' })).topic, 'bus.subscribe:ack');
  const publisher = daemon.kernel.bus.connect({ onMessage: () => {} });
  publisher.publish('demo.tick', { n: 1 });
  await a.until((received) => received.some((e) => e.topic === 'demo.tick'));
  await a.call('kernel.status');
  publisher.publish('demo.after', {});
  await b.until((received) => received.some((e) => e.topic === 'demo.after'));
  assert.equal(b.received.some((e) => e.topic === 'kernel.status:ack'), false, 'a reply reached a client that did not ask');
  publisher.close();
  await a.close();
  await b.close();
});

test('a frame over the size limit is answered payload_too_large; one far over it closes the socket (1009)', async () => {
  const limit = daemon.kernel.config.limits.max_payload_bytes;
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  socket.send({ topic: 'kernel.status', payload: { _request_id: 'big', pad: 'x'.repeat(limit) } });
  const reply = await socket.waitFor('big');
  assert.equal(reply.topic, 'kernel.status.error');
  assert.equal(reply.payload?.code, 'payload_too_large');
  const closed = socket.closed();
  socket.send('x'.repeat(limit * 2 + 1));
  assert.equal(await closed, 1009);
});

test('frames beyond the per-connection rate are each answered rate_limited with resetMs', async () => {
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  const ids = Array.from({ length: 20 }, (_, i) => `f${i}`);
  const answers = Promise.all(ids.map((id) => socket.waitFor(id)));
  for (const id of ids) socket.send({ topic: 'kernel.status', payload: { _request_id: id } });
  const replies = await answers;
  const limited = replies.filter((r) => r.payload?.code === 'rate_limited');
  assert.equal(replies.slice(0, 5).some((r) => r.payload?.code === 'rate_limited'), false, 'the burst passes');
  assert.ok(limited.length >= 10, `only ${limited.length} limited`);
  for (const reply of limited) {
    assert.equal(reply.topic, 'kernel.status.error');
    assert.ok(typeof reply.payload?.details === 'object' && (reply.payload.details as { resetMs: number }).resetMs > 0);
  }
  await socket.close();
});

test('a frame nesting deeper than any contract needs is refused before it is parsed, correlated', async () => {
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  const depth = 400_000;
  socket.send(`{"topic":"kernel.status","payload":{"_request_id":"deep","x":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
  const reply = await socket.waitFor('deep');
  assert.equal(reply.topic, 'kernel.status.error');
  assert.equal(reply.payload?.code, 'payload_invalid');
  await socket.close();
});
