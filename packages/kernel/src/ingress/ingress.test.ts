import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineContract } from '../contracts/contract.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { makePrincipal } from '../security/principal.ts';
import { type TestKernel, WireClient, settle, startTestKernel } from '../testing/kernel.ts';

const alice = makePrincipal('user', 'alice', CapabilitySet.of(['kernel.status', 'topic.subscribe:demo.*', 'test.*']));
const viewer = makePrincipal('user', 'bob', CapabilitySet.of(['fs.read:/home/bob/**']));

/** A contract whose calls wait until the test releases them, or until they are aborted. */
const blockContract = defineContract({
  topic: 'test.block',
  summary: 'Waits until released.',
  request: z.object({}),
  reply: z.object({ released: z.boolean() }),
  capability: () => 'test.block',
  idempotent: false,
});
const crashContract = defineContract({
  topic: 'test.crash',
  summary: 'Throws an unexpected error.',
  request: z.object({ bad_reply: z.boolean().optional() }),
  reply: z.object({ ok: z.literal(true) }),
  capability: () => 'test.crash',
  idempotent: true,
});

function registerTestContracts(kernel: TestKernel): { release: () => void } {
  const waiting: Array<() => void> = [];
  kernel.registry.register(blockContract, (_payload, { signal }) =>
    new Promise((resolve, reject) => {
      waiting.push(() => resolve({ released: true }));
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    }),
  );
  kernel.registry.register(crashContract, ({ bad_reply }) => {
    if (bad_reply === true) return Promise.resolve({ ok: false } as unknown as { ok: true });
    throw new Error('secret internal detail /var/lib/x');
  });
  return { release: () => waiting.splice(0).forEach((resolve) => resolve()) };
}

describe('ingress', () => {
  let kernel: TestKernel;
  let release: () => void;
  before(async () => {
    kernel = await startTestKernel({ limits: { max_payload_bytes: 4096, max_in_flight_per_connection: 3 } });
    ({ release } = registerTestContracts(kernel));
  });
  after(() => kernel.dispose());

  test('a request is answered on <topic>:ack with its _request_id, from the kernel', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const reply = await client.call('kernel.status', {});
    assert.equal(reply.topic, 'kernel.status:ack');
    assert.equal(reply.to, client.connection.id);
    assert.equal(reply.payload?.version, kernel.version);
    assert.deepEqual((reply.payload?.backends as Record<string, string>).bus, 'inprocess');
  });

  test('malformed JSON gets payload_invalid on the bare error topic', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const [reply, ...rest] = await client.raw('{"topic": "kernel.status", ');
    assert.equal(rest.length, 0);
    assert.equal(reply?.topic, 'error');
    assert.equal(reply?.payload?.code, 'payload_invalid');
  });

  test('an oversized frame gets payload_too_large, still correlated', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const frame = JSON.stringify({ topic: 'kernel.status', payload: { _request_id: 'big', pad: 'x'.repeat(5000) } });
    const [reply] = await client.raw(frame);
    assert.equal(reply?.topic, 'kernel.status.error');
    assert.equal(reply?.payload?.code, 'payload_too_large');
    assert.equal(reply?.payload?._request_id, 'big');
  });

  test('a non-object payload or a missing _request_id is payload_invalid', async () => {
    const client = new WireClient(kernel, { principal: alice });
    for (const frame of [{ topic: 'kernel.status', payload: [1, 2] }, { topic: 'kernel.status', payload: 'x' }, { topic: 'kernel.status' }, { topic: 'bad topic!' }]) {
      const replies = await client.raw(JSON.stringify(frame));
      assert.equal(replies.length, 1, JSON.stringify(frame));
      assert.equal(replies[0]?.payload?.code, 'payload_invalid', JSON.stringify(frame));
    }
  });

  test('schema violations name the field', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const reply = await client.call('kernel.status', { unexpected: 1 });
    assert.equal(reply.topic, 'kernel.status.error');
    assert.equal(reply.payload?.code, 'payload_invalid');
    assert.match(String(reply.payload?.error), /unexpected/);
  });

  test('an unknown topic is not_found for an authenticated caller', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const reply = await client.call('nothing.here', {});
    assert.equal(reply.topic, 'nothing.here.error');
    assert.equal(reply.payload?.code, 'not_found');
  });

  test('an unauthenticated connection learns nothing but unauthenticated', async () => {
    const client = new WireClient(kernel);
    for (const topic of ['kernel.status', 'nothing.here']) {
      const reply = await client.call(topic, {});
      assert.equal(reply.payload?.code, 'unauthenticated');
    }
  });

  test('a principal whose grants were all revoked is treated as unauthenticated', async () => {
    const ended = makePrincipal('user', 'carol', CapabilitySet.of(['kernel.status']));
    const client = new WireClient(kernel, { principal: ended });
    assert.equal((await client.call('kernel.status')).topic, 'kernel.status:ack');
    ended.capabilities.revoke('kernel.status');
    assert.equal((await client.call('bus.unsubscribe', { pattern: 'demo.*' })).payload?.code, 'unauthenticated');
  });

  test('a missing capability is permission_denied, names it, and is audited', async () => {
    const client = new WireClient(kernel, { principal: viewer });
    const reply = await client.call('kernel.status', {});
    assert.equal(reply.payload?.code, 'permission_denied');
    assert.equal((reply.payload?.details as Record<string, unknown>).missing, 'kernel.status');
    await settle();
    const { records } = await kernel.audit.query({ principal: viewer.id, kind: 'denial' });
    assert.ok(records.some((record) => record.action === 'kernel.status'));
  });

  test('an unexpected handler failure is internal_error without leaking its message', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const reply = await client.call('test.crash', {});
    assert.equal(reply.payload?.code, 'internal_error');
    assert.doesNotMatch(String(reply.payload?.error), /secret|var\/lib/);
    const broken = await client.call('test.crash', { bad_reply: true });
    assert.equal(broken.payload?.code, 'internal_error');
  });

  test('a request id already in flight is a conflict, and in-flight calls are bounded', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const frame = (id: string) => JSON.stringify({ topic: 'test.block', payload: { _request_id: id } });
    client.connection.receive(frame('a'));
    const [duplicate] = await client.raw(frame('a'));
    assert.equal(duplicate?.payload?.code, 'conflict');
    client.connection.receive(frame('b'));
    client.connection.receive(frame('c'));
    const [overLimit] = await client.raw(frame('d'));
    assert.equal(overLimit?.payload?.code, 'resource_exceeded');
    assert.equal((overLimit?.payload?.details as Record<string, unknown>).limit, 3);
    release();
    await settle();
    const acks = client.received.filter((envelope) => envelope.topic === 'test.block:ack');
    assert.deepEqual(acks.map((envelope) => envelope.payload?._request_id).sort(), ['a', 'b', 'c']);
  });

  test('subscribing needs topic.subscribe and delivers matching events until unsubscribed', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const denied = await client.call('bus.subscribe', { pattern: 'secret.*' });
    assert.equal(denied.payload?.code, 'permission_denied');
    const ok = await client.call('bus.subscribe', { pattern: 'demo.*' });
    assert.equal(ok.topic, 'bus.subscribe:ack');
    const publisher = kernel.bus.connect({ onMessage: () => {} });
    publisher.publish('demo.tick', { n: 1 });
    publisher.publish('other.tick', { n: 2 });
    await settle();
    assert.deepEqual(client.received.filter((e) => e.topic.endsWith('.tick')).map((e) => e.payload?.n), [1]);
    await client.call('bus.unsubscribe', { pattern: 'demo.*' });
    publisher.publish('demo.tick', { n: 3 });
    await settle();
    assert.deepEqual(client.received.filter((e) => e.topic.endsWith('.tick')).map((e) => e.payload?.n), [1]);
    publisher.close();
  });
});

describe('event visibility', () => {
  let kernel: TestKernel;
  before(async () => {
    kernel = await startTestKernel();
  });
  after(() => kernel.dispose());

  test('one user never sees another user\'s events, whatever pattern they subscribe to', async () => {
    const subscriber = (name: string, extra: string[] = []) =>
      new WireClient(kernel, { principal: makePrincipal('user', name, CapabilitySet.of(['topic.subscribe:vm.*', ...extra])) });
    const alice = subscriber('alice');
    const mallory = subscriber('mallory');
    const operator = subscriber('operator', ['topic.observe:*']);
    for (const client of [alice, mallory, operator]) assert.equal((await client.call('bus.subscribe', { pattern: 'vm.*' })).topic, 'bus.subscribe:ack');
    const vm = kernel.bus.connect({ onMessage: () => {} });
    vm.publish('vm.stdout', { _owner: 'user:alice', data: 'alice-secret' });
    vm.publish('vm.stdout', { _owner: 12, data: 'malformed owner' });
    vm.publish('vm.list_changed', { data: 'public' });
    await settle();
    const seen = (client: WireClient) => client.received.filter((e) => e.topic.startsWith('vm.')).map((e) => e.payload?.data);
    assert.deepEqual(seen(alice), ['alice-secret', 'public']);
    assert.deepEqual(seen(mallory), ['public']);
    assert.deepEqual(seen(operator), ['alice-secret', 'public']);
    vm.close();
  });

  test('an event that requires capabilities reaches only subscribers holding them', async () => {
    const reader = new WireClient(kernel, { principal: makePrincipal('user', 'erin', CapabilitySet.of(['topic.subscribe:vfs.changed', 'fs.read:/home/erin/**'])) });
    await reader.call('bus.subscribe', { pattern: 'vfs.changed' });
    const vfs = kernel.bus.connect({ onMessage: () => {} });
    vfs.publish('vfs.changed', { path: '/home/frank/diary', _requires: ['fs.read:/home/frank/diary'] });
    vfs.publish('vfs.changed', { path: '/home/erin/a', _requires: ['fs.read:/home/erin/a'] });
    vfs.publish('vfs.changed', { path: '/home/erin/b', _requires: ['fs.read:/home/erin/b', 'fs.read:/home/frank/c'] });
    vfs.publish('vfs.changed', { path: '/x', _requires: 'fs.read:/x' });
    await settle();
    assert.deepEqual(reader.received.filter((e) => e.topic === 'vfs.changed').map((e) => e.payload?.path), ['/home/erin/a']);
    vfs.close();
  });

  test('another user\'s events never take a slow subscriber\'s queue space', async () => {
    const slow = new WireClient(kernel, { principal: makePrincipal('user', 'slow', CapabilitySet.of(['topic.subscribe:vm.*'])) });
    await slow.call('bus.subscribe', { pattern: 'vm.*' });
    slow.connection.bus.pause();
    const vm = kernel.bus.connect({ onMessage: () => {} });
    for (let i = 0; i < 5_000; i++) vm.publish('vm.exit', { _owner: 'user:someone-else', code: 0 });
    assert.equal(slow.connection.closed, false);
    assert.equal(slow.connection.bus.stats().queued, 0);
    slow.connection.bus.resume();
    vm.close();
  });

  test('a token acting for its user sees the user\'s events', async () => {
    const token = makePrincipal('token', 't1', CapabilitySet.of(['topic.subscribe:vm.*']), 'user:alice');
    const client = new WireClient(kernel, { principal: token });
    await client.call('bus.subscribe', { pattern: 'vm.*' });
    const vm = kernel.bus.connect({ onMessage: () => {} });
    vm.publish('vm.exit', { _owner: 'user:alice', code: 0 });
    await settle();
    assert.equal(client.received.filter((e) => e.topic === 'vm.exit').length, 1);
    vm.close();
  });

  test('revoking the right to subscribe stops delivery at once', async () => {
    const principal = makePrincipal('user', 'dave', CapabilitySet.of(['topic.subscribe:demo.*']));
    const client = new WireClient(kernel, { principal });
    await client.call('bus.subscribe', { pattern: 'demo.*' });
    const publisher = kernel.bus.connect({ onMessage: () => {} });
    publisher.publish('demo.tick', { n: 1 });
    principal.capabilities.revoke('topic.subscribe:demo.*');
    publisher.publish('demo.tick', { n: 2 });
    await settle();
    assert.deepEqual(client.received.filter((e) => e.topic === 'demo.tick').map((e) => e.payload?.n), [1]);
    publisher.close();
  });
});

describe('operator guardrails', () => {
  let kernel: TestKernel;
  before(async () => {
    kernel = await startTestKernel({
      permissions: [{ topic_prefix: 'kernel.', allow: true }, { topic_prefix: 'bus.', allow: false }],
      rate_limits: [{ topic: 'kernel.status', limit: 2, burst: 2, window_ms: 60_000 }],
    });
  });
  after(() => kernel.dispose());

  test('topic rules deny by prefix and by default once any rule exists', async () => {
    const client = new WireClient(kernel, { principal: alice });
    const denied = await client.call('bus.subscribe', { pattern: 'demo.*' });
    assert.equal(denied.payload?.code, 'permission_denied');
    const unlisted = await client.call('audit.query', {});
    assert.equal(unlisted.payload?.code, 'permission_denied');
  });

  test('the rate limit lets the burst through, then answers rate_limited with resetMs', async () => {
    const client = new WireClient(kernel, { principal: alice });
    assert.equal((await client.call('kernel.status')).topic, 'kernel.status:ack');
    assert.equal((await client.call('kernel.status')).topic, 'kernel.status:ack');
    const limited = await client.call('kernel.status');
    assert.equal(limited.payload?.code, 'rate_limited');
    const resetMs = (limited.payload?.details as Record<string, number>).resetMs;
    assert.ok(typeof resetMs === 'number' && resetMs > 0 && resetMs <= 30_000, `resetMs ${resetMs}`);
  });

  test('the operator admin connection bypasses topic rules and rate limits', async () => {
    const admin = new WireClient(kernel, { principal: alice, admin: true });
    for (let i = 0; i < 5; i++) assert.equal((await admin.call('kernel.status')).topic, 'kernel.status:ack');
    assert.equal((await admin.call('bus.subscribe', { pattern: 'demo.*' })).topic, 'bus.subscribe:ack');
  });
});

describe('shutdown', () => {
  test('calls still in flight when the grace period ends are answered cancelled, once', async () => {
    const kernel = await startTestKernel({ limits: { shutdown_grace_ms: 20 } });
    registerTestContracts(kernel);
    const client = new WireClient(kernel, { principal: alice });
    const answered = client.waitFor('slow');
    client.connection.receive(JSON.stringify({ topic: 'test.block', payload: { _request_id: 'slow' } }));
    await settle();
    await kernel.dispose();
    const reply = await answered;
    assert.equal(reply.payload?.code, 'cancelled');
    await settle();
    assert.equal(client.received.filter((e) => e.payload?._request_id === 'slow').length, 1);
    assert.throws(() => kernel.ingress.connect({ onMessage: () => {} }), /shutting down/);
  });
});
