import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defineContract } from '@aether/kernel';
import { AetherClient, type ConnectionState, type Envelope, isAetherError } from '@aether/sdk';
import { z } from 'zod';
import { addUser, createToken, loginToken } from '../testing/accounts.ts';
import { type TestDaemon, startTestDaemon } from '../testing/daemon.ts';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon();
  daemon.kernel.registry.register(
    defineContract({ topic: 'test.hang', summary: 'Never answers (until cancelled).', request: z.object({}), reply: z.object({}), capability: () => null, idempotent: true }),
    (_payload, { signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled')))),
  );
});
after(() => daemon.dispose());

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

test('a typed request resolves with the reply; an error rejects with its wire code', async () => {
  const client = await AetherClient.connect({ url: daemon.url, token: daemon.adminToken });
  const status = await client.request('kernel.status', {});
  assert.equal(status.version, daemon.kernel.version);
  await assert.rejects(client.request('bus.subscribe', { pattern: 'not a pattern' }), (thrown) => isAetherError(thrown, 'payload_invalid'));
  await assert.rejects(client.request('no.such.topic', {}), (thrown) => isAetherError(thrown, 'not_found'));
  client.close();
});

test('a request without an answer fails with timeout', async () => {
  const client = await AetherClient.connect({ url: daemon.url, token: daemon.adminToken });
  await assert.rejects(client.request('test.hang', {}, { timeout: 50 }), (thrown) => isAetherError(thrown, 'timeout'));
  client.close();
});

test('connecting with a bad token fails with connection_failed; without one only public contracts answer', async () => {
  await assert.rejects(AetherClient.connect({ url: daemon.url, token: 'aet_bogus' }), (thrown) => isAetherError(thrown, 'connection_failed'));
  const anonymous = await AetherClient.connect({ url: daemon.url });
  await assert.rejects(anonymous.request('kernel.status', {}), (thrown) => isAetherError(thrown, 'unauthenticated'));
  anonymous.close();
});

test('a dropped connection fails pending requests with timeout, then reconnects, re-subscribes and resumes streams', async () => {
  const states: ConnectionState[] = [];
  const client = await AetherClient.connect({ url: daemon.url, token: daemon.adminToken, reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, onStateChange: (s) => states.push(s) });
  const events: Envelope[] = [];
  await client.subscribe('job.*', (envelope) => events.push(envelope));
  const publisher = daemon.kernel.bus.connect({ onMessage: () => {} });
  publisher.publish('job.out', { n: 1 }, { stream: 'job:1' });
  await until(() => events.length === 1);

  const hanging = client.request('test.hang', {}, { timeout: 60_000 });
  await until(() => daemon.kernel.ingress.inFlight > 0);
  daemon.server.ws.closeAll();
  await assert.rejects(hanging, (thrown) => isAetherError(thrown, 'timeout') && thrown.details?.reason === 'disconnected');
  publisher.publish('job.out', { n: 2 }, { stream: 'job:1' }); // while the client is away
  publisher.publish('job.out', { n: 3 }, { stream: 'job:1' });

  await until(() => client.state === 'open' && events.length >= 3);
  publisher.publish('job.out', { n: 4 }, { stream: 'job:1' });
  await until(() => events.length >= 4);
  assert.deepEqual(events.map((e) => e.payload?.n), [1, 2, 3, 4], 'missed events replayed once, in order, then live ones');
  assert.deepEqual(states.slice(0, 2), ['open', 'reconnecting']);
  assert.equal(states.at(-1), 'open');
  publisher.close();
  client.close();
});

test('unsubscribing stops delivery; closing fails what is pending with closed', async () => {
  const client = await AetherClient.connect({ url: daemon.url, token: daemon.adminToken });
  const seen: string[] = [];
  const subscription = await client.subscribe('note.*', (e) => seen.push(e.topic));
  const publisher = daemon.kernel.bus.connect({ onMessage: () => {} });
  publisher.publish('note.a', {});
  await until(() => seen.length === 1);
  await subscription.unsubscribe();
  publisher.publish('note.b', {});
  await client.request('kernel.status', {});
  assert.deepEqual(seen, ['note.a']);
  const pending = client.request('test.hang', {});
  client.close();
  await assert.rejects(pending, (thrown) => isAetherError(thrown, 'closed'));
  publisher.close();
});

test('a scoped token works inside its scope and is denied outside it', async () => {
  await addUser(daemon, 'grace');
  const token = await createToken(daemon, await loginToken(daemon, 'grace'), ['kernel.status']);
  const client = await AetherClient.connect({ url: daemon.url, token: token.secret });
  assert.equal((await client.request('kernel.status', {})).version, daemon.kernel.version);
  await assert.rejects(client.subscribe('vm.*', () => {}), (thrown) => isAetherError(thrown, 'permission_denied'));
  client.close();
});
