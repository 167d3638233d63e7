import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';
import { WireSocket } from '../testing/wire-socket.ts';

const QUEUE_LIMIT = 64;
const MAX_BUFFERED = 64 * 1024;
const EVENT_BYTES = 4096;

let daemon: TestDaemon;

/** Polls a condition on the server's state (not a timing assertion: it waits however long it takes). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

before(async () => {
  daemon = await startTestDaemon({ config: { limits: { queue_limit: QUEUE_LIMIT } }, server: { ws: { max_buffered_bytes: MAX_BUFFERED } } });
});
after(() => daemon.dispose());

test('a client that stops reading costs bounded server memory, then is disconnected when its replies cannot be queued', async () => {
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  await socket.call('bus.subscribe', { pattern: 'load.*' });
  socket.socket.pause(); // stops reading: the server's writes pile up in the kernel, then in the server
  const publisher = daemon.kernel.bus.connect({ onMessage: () => {} });
  const clientsBefore = daemon.kernel.bus.stats().clients;
  const pad = 'x'.repeat(EVENT_BYTES);
  const envelopeBytes = EVENT_BYTES + 512;
  let worst = { bufferedBytes: 0, busQueued: 0 };
  // 40 MB of stream events, far more than the loopback socket buffers hold.
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 500; i++) publisher.publish('load.tick', { pad, i }, { droppable: true, stream: 'load' });
    await tick();
    const stats = daemon.server.ws.stats();
    worst = { bufferedBytes: Math.max(worst.bufferedBytes, stats.maxBufferedBytes), busQueued: Math.max(worst.busQueued, stats.maxBusQueued) };
  }
  const [session] = daemon.server.ws.sessions();
  assert.ok(session !== undefined);
  assert.equal(session.paused, true, 'delivery is paused while the socket is backed up');
  assert.ok(worst.bufferedBytes <= MAX_BUFFERED + envelopeBytes, `socket buffer grew to ${worst.bufferedBytes} bytes`);
  assert.ok(worst.busQueued <= QUEUE_LIMIT, `bus queue grew to ${worst.busQueued}`);
  assert.ok(session.busDropped > 0, 'droppable events were dropped for the slow consumer');

  // Replies are never dropped: once one cannot be queued, the connection is closed.
  for (let i = 0; i <= QUEUE_LIMIT; i++) publisher.publish('load.reply', { i }, { to: session.id });
  await tick();
  assert.equal(daemon.server.ws.stats().connections, 0);
  assert.equal(daemon.kernel.bus.stats().clients, clientsBefore - 1, 'its bus client is gone');
  assert.match(await daemon.server.metrics.registry.getSingleMetricAsString('aether_ws_slow_consumers_closed_total'), / 1$/m);
  publisher.close();
  socket.socket.terminate();
});

test('a client that reads slowly gets everything once it catches up, with drops announced', async () => {
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  await socket.call('bus.subscribe', { pattern: 'slow.*' });
  socket.socket.pause();
  const publisher = daemon.kernel.bus.connect({ onMessage: () => {} });
  const pad = 'y'.repeat(EVENT_BYTES);
  for (let i = 0; i < 2000; i++) publisher.publish('slow.tick', { pad, i }, { droppable: true });
  await tick();
  socket.socket.resume();
  // The marker is a reply-like (undroppable) envelope: send it once the backlog has drained, or it would overflow.
  await until(() => daemon.server.ws.sessions().every((s) => !s.paused && s.busQueued === 0));
  publisher.publish('slow.last', {});
  await socket.until((received) => received.some((e) => e.topic === 'slow.last'));
  const ticks = socket.received.filter((e) => e.topic === 'slow.tick').map((e) => e.payload?.i as number);
  const dropped = socket.received.filter((e) => e.topic === 'bus.dropped').reduce((sum, e) => sum + (e.payload?.count as number), 0);
  assert.equal(ticks.length + dropped, 2000, 'every event was delivered or counted as dropped');
  assert.ok(dropped > 0);
  assert.deepEqual(ticks, [...ticks].sort((a, b) => a - b), 'order is kept');
  publisher.close();
  await socket.close();
});

test('a peer that stops answering pings is dropped by the heartbeat, even with nothing to send it', async () => {
  const quick = await startTestDaemon({ server: { ws: { heartbeat_ms: 100 } } });
  try {
    const socket = await WireSocket.open(quick.wsUrl, { authorization: quick.admin });
    const alive = await WireSocket.open(quick.wsUrl, { authorization: quick.admin });
    socket.socket.pause(); // reads nothing, so answers no ping
    await until(() => quick.server.ws.stats().connections === 1);
    assert.equal((await alive.call('kernel.status')).topic, 'kernel.status:ack', 'a peer that answers stays');
    socket.socket.terminate();
    await alive.close();
  } finally {
    await quick.dispose();
  }
});
