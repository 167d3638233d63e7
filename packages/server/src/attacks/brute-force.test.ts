import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PASSWORD, addUser } from '../testing/accounts.ts';
import { type TestDaemon, postJson, startTestDaemon } from '../testing/daemon.ts';
import { WireSocket } from '../testing/wire-socket.ts';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon();
  await addUser(daemon, 'dave');
});
after(() => daemon.dispose());

test('guessing a password is throttled: after a few failures even the right password is refused for a while', async () => {
  const codes: string[] = [];
  for (let i = 0; i < 8; i++) {
    const { body } = await postJson(`${daemon.url}/api/v1/auth/login`, { user: 'dave', password: `wrong guess number ${i}`, as: 'token' });
    codes.push(String(body.code));
  }
  assert.equal(codes[0], 'unauthenticated');
  assert.equal(codes.at(-1), 'rate_limited');
  const right = await postJson(`${daemon.url}/api/v1/auth/login`, { user: 'dave', password: PASSWORD, as: 'token' });
  assert.equal(right.status, 429);
  assert.ok(Number(right.headers.get('retry-after')) > 0);
  assert.ok((right.body.details as { resetMs: number }).resetMs > 0);
});

test('the same throttle holds on the WebSocket, and unknown names are throttled like real ones', async () => {
  const socket = await WireSocket.open(daemon.wsUrl);
  let last = '';
  for (let i = 0; i < 8; i++) last = String((await socket.call('auth.login', { user: 'nobody-here', password: `guess ${i} guess guess` })).payload?.code);
  assert.equal(last, 'rate_limited');
  await socket.close();
});
