import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addUser, loginToken } from '../testing/accounts.ts';
import { type TestDaemon, postJson, startTestDaemon } from '../testing/daemon.ts';
import { WireSocket } from '../testing/wire-socket.ts';

let daemon: TestDaemon;
let bearer: string;
before(async () => {
  daemon = await startTestDaemon({ config: { rate_limits: [{ topic: 'kernel.*', limit: 1, burst: 20, window_ms: 10_000 }] } });
  await addUser(daemon, 'erin');
  bearer = await loginToken(daemon, 'erin');
});
after(() => daemon.dispose());

test('a flood of REST calls is rate limited per principal and topic while /health keeps answering', async () => {
  const flood = Array.from({ length: 1000 }, () => postJson(`${daemon.url}/api/v1/kernel/status`, {}, { authorization: `Bearer ${bearer}` }));
  const health = await fetch(`${daemon.url}/health`);
  assert.equal(health.status, 200, 'health answers during the flood');
  const results = await Promise.all(flood);
  const limited = results.filter((r) => r.status === 429);
  assert.equal(results.filter((r) => r.status === 200).length + limited.length, 1000, 'every call answered: ok or rate limited');
  assert.ok(limited.length >= 900, `only ${limited.length} limited`);
  for (const r of limited.slice(0, 10)) {
    assert.equal(r.body.code, 'rate_limited');
    assert.ok((r.body.details as { resetMs: number }).resetMs > 0);
  }
});

test('a flood of frames on one socket is answered rate_limited, and other clients are still served', async () => {
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: `Bearer ${bearer}` });
  const frames = 5000;
  for (let i = 0; i < frames; i++) socket.send({ topic: 'kernel.status', payload: { _request_id: `x${i}` } });
  const health = await fetch(`${daemon.url}/health`);
  assert.equal(health.status, 200);
  const other = await postJson(`${daemon.url}/api/v1/auth/whoami`, {}, { authorization: `Bearer ${bearer}` });
  assert.equal(other.status, 200, 'other topics of the same principal are unaffected');
  await socket.until((received) => received.length >= frames);
  const codes = new Map<string, number>();
  for (const envelope of socket.received) {
    const code = typeof envelope.payload?.code === 'string' ? envelope.payload.code : 'ok';
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  assert.ok((codes.get('rate_limited') ?? 0) >= frames - 100, JSON.stringify([...codes]));
  await socket.close();
});
