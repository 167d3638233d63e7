import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addUser, createToken, loginToken } from '../testing/accounts.ts';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';
import { WireSocket } from '../testing/wire-socket.ts';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon({ config: { limits: { queue_limit: 64 } } });
});
after(() => daemon.dispose());

const seqs = (socket: WireSocket, topic: string): number[] => socket.received.filter((e) => e.topic === topic).map((e) => e.payload?._seq as number);

test('a client that reconnects resumes a stream from its cursor without gaps or duplicates', async () => {
  const publisher = daemon.kernel.bus.connect({ onMessage: () => {} });
  const first = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  await first.call('bus.subscribe', { pattern: 'job.*' });
  for (let i = 0; i < 3; i++) publisher.publish('job.output', { i }, { stream: 'job:7' });
  await first.until(() => seqs(first, 'job.output').length === 3);
  const cursor = Math.max(...seqs(first, 'job.output'));
  await first.close();

  for (let i = 3; i < 8; i++) publisher.publish('job.output', { i }, { stream: 'job:7' }); // missed while away
  const second = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  const resumed = await second.call('bus.resume', { pattern: 'job.*', cursors: { 'job:7': cursor } });
  assert.equal(resumed.topic, 'bus.resume:ack');
  assert.equal(resumed.payload?.replayed, 5);
  assert.deepEqual(resumed.payload?.gaps, []);
  publisher.publish('job.output', { i: 8 }, { stream: 'job:7' }); // live again
  await second.until(() => seqs(second, 'job.output').length === 6);
  assert.deepEqual(seqs(second, 'job.output'), [4, 5, 6, 7, 8, 9]);
  publisher.close();
  await second.close();
});

test('resuming needs the right to subscribe, replays only matching topics and stays within the queue', async () => {
  const publisher = daemon.kernel.bus.connect({ onMessage: () => {} });
  for (let i = 0; i < 200; i++) publisher.publish(i % 2 === 0 ? 'big.even' : 'big.odd', { i }, { stream: 'big' });
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: daemon.admin });
  const reply = await socket.call('bus.resume', { pattern: 'big.even', cursors: { big: 0 } });
  assert.equal(reply.payload?.replayed, 32, 'half the queue at most');
  assert.deepEqual(reply.payload?.more, ['big']);
  assert.deepEqual(reply.payload?.gaps, [], 'all 200 events are still kept');
  assert.ok(socket.received.filter((e) => e.topic.startsWith('big.')).every((e) => e.topic === 'big.even'));
  const anonymous = await WireSocket.open(daemon.wsUrl);
  assert.equal((await anonymous.call('bus.resume', { pattern: 'big.*', cursors: { big: 0 } })).payload?.code, 'unauthenticated');
  await addUser(daemon, 'frank');
  const scoped = await createToken(daemon, await loginToken(daemon, 'frank'), ['kernel.status']);
  const limited = await WireSocket.open(daemon.wsUrl, { authorization: `Bearer ${scoped.secret}` });
  const denied = await limited.call('bus.resume', { pattern: 'big.*', cursors: { big: 0 } });
  assert.equal(denied.payload?.code, 'permission_denied');
  assert.equal(limited.received.filter((e) => e.topic.startsWith('big.')).length, 0, 'nothing was replayed to it');
  publisher.close();
  await socket.close();
  await anonymous.close();
  await limited.close();
});

test('a replay passes the same visibility filter as live delivery: an owned event reaches only its owner', async () => {
  await addUser(daemon, 'alice');
  await addUser(daemon, 'bob');
  const publisher = daemon.kernel.bus.connect({ onMessage: () => {} });
  publisher.publish('vm.stdout', { _owner: 'user:bob', data: 'secret' }, { stream: 'vm:bob' });
  const alice = await WireSocket.open(daemon.wsUrl, { authorization: `Bearer ${await loginToken(daemon, 'alice')}` });
  const bob = await WireSocket.open(daemon.wsUrl, { authorization: `Bearer ${await loginToken(daemon, 'bob')}` });
  assert.equal((await alice.call('bus.resume', { pattern: 'vm.*', cursors: { 'vm:bob': 0 } })).payload?.replayed, 0);
  assert.equal((await bob.call('bus.resume', { pattern: 'vm.*', cursors: { 'vm:bob': 0 } })).payload?.replayed, 1);
  assert.equal(alice.received.some((e) => e.topic === 'vm.stdout'), false);
  publisher.close();
  await alice.close();
  await bob.close();
});
