import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { restPathOf } from '../http/topic-path.ts';
import { addUser, createToken, loginToken } from '../testing/accounts.ts';
import { type TestDaemon, postJson, startTestDaemon } from '../testing/daemon.ts';
import { UpgradeRefused, WireSocket } from '../testing/wire-socket.ts';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon();
  await addUser(daemon, 'alice');
});
after(() => daemon.dispose());

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const FORGED = [
  'aet_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'aes_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'user:admin', aud: 'aether', exp: 4_102_444_800 })}.`,
  `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'user:admin', aud: 'someone-else' })}.c2lnbmF0dXJl`,
  'Bearer',
  '../../etc/passwd',
];

test('every non-public topic refuses an unauthenticated caller on WebSocket, REST and JSON-RPC', async () => {
  const closed = daemon.kernel.registry.describe().filter((c) => !c.public);
  const socket = await WireSocket.open(daemon.wsUrl);
  for (const { topic } of closed) {
    const reply = await socket.call(topic, {});
    assert.equal(reply.payload?.code, 'unauthenticated', `ws ${topic}`);
    const rest = await postJson(daemon.url + restPathOf(topic), {});
    assert.equal(rest.status, 401, `rest ${topic}`);
    const rpc = await postJson(`${daemon.url}/rpc`, { jsonrpc: '2.0', id: 1, method: topic, params: {} });
    assert.equal((rpc.body.error as { data: { code: string } }).data.code, 'unauthenticated', `rpc ${topic}`);
  }
  await socket.close();
});

test('forged, alg:none and wrong-audience tokens are refused on every surface', async () => {
  for (const token of FORGED) {
    const rest = await postJson(`${daemon.url}/api/v1/auth/whoami`, {}, { authorization: `Bearer ${token}` });
    assert.equal(rest.status, 401, token);
    const rpc = await postJson(`${daemon.url}/rpc`, { jsonrpc: '2.0', id: 1, method: 'auth.whoami' }, { authorization: `Bearer ${token}` });
    assert.equal(rpc.status, 401, token);
    await assert.rejects(WireSocket.open(daemon.wsUrl, { authorization: `Bearer ${token}` }), (thrown) => thrown instanceof UpgradeRefused && thrown.status === 401);
  }
});

test('a revoked token stops working at once, including on a socket it already opened', async () => {
  const login = await loginToken(daemon, 'alice');
  const token = await createToken(daemon, login, ['kernel.status']);
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: `Bearer ${token.secret}` });
  assert.equal((await socket.call('kernel.status')).topic, 'kernel.status:ack');
  const revoked = await postJson(`${daemon.url}/api/v1/auth/token/revoke`, { id: token.id }, { authorization: `Bearer ${login}` });
  assert.equal(revoked.status, 200);
  const after = await socket.call('kernel.status');
  assert.equal(after.payload?.code, 'unauthenticated', 'the socket the token opened is no longer authenticated');
  const rest = await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { authorization: `Bearer ${token.secret}` });
  assert.equal(rest.status, 401);
  await socket.close();
});

test('an expired token is refused', async () => {
  const login = await loginToken(daemon, 'alice');
  const expiresAt = new Date(Date.now() + 1500);
  const token = await createToken(daemon, login, ['kernel.status'], { expiresAt: expiresAt.toISOString() });
  assert.equal((await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { authorization: `Bearer ${token.secret}` })).status, 200);
  while (Date.now() <= expiresAt.getTime()) await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 5));
  const { status, body } = await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { authorization: `Bearer ${token.secret}` });
  assert.equal(status, 401);
  assert.equal(body.code, 'unauthenticated');
});
