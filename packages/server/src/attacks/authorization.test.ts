import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addUser, createToken, loginToken } from '../testing/accounts.ts';
import { type TestDaemon, postJson, startTestDaemon } from '../testing/daemon.ts';
import { WireSocket } from '../testing/wire-socket.ts';

let daemon: TestDaemon;
let alice: string;
before(async () => {
  daemon = await startTestDaemon();
  await addUser(daemon, 'alice', 'user');
  await addUser(daemon, 'root', 'admin');
  alice = await loginToken(daemon, 'alice');
});
after(() => daemon.dispose());

const ADMIN_ONLY: Array<[string, Record<string, unknown>]> = [
  ['auth.user.add', { name: 'mallory', password: 'a long enough password', role: 'admin' }],
  ['auth.user.list', {}],
  ['auth.user.remove', { name: 'root' }],
  ['auth.user.role', { name: 'alice', role: 'admin' }],
  ['auth.user.passwd', { name: 'root', password: 'a long enough password' }],
  ['audit.query', {}],
];

test('a user calling admin-only topics is denied, and nothing changes', async () => {
  const socket = await WireSocket.open(daemon.wsUrl, { authorization: `Bearer ${alice}` });
  for (const [topic, payload] of ADMIN_ONLY) {
    const rest = await postJson(`${daemon.url}/api/v1/${topic.replaceAll('.', '/')}`, payload, { authorization: `Bearer ${alice}` });
    assert.equal(rest.status, 403, `${topic}: ${JSON.stringify(rest.body)}`);
    assert.equal(rest.body.code, 'permission_denied');
    const ws = await socket.call(topic, payload);
    assert.equal(ws.payload?.code, 'permission_denied', topic);
  }
  const users = await daemon.kernel.identity.users.listUsers();
  assert.deepEqual(users.map((u) => `${u.name}:${u.role}`).sort(), ['alice:user', 'root:admin']);
  await socket.close();
});

test('a user cannot mint a token beyond their own capabilities', async () => {
  const { status, body } = await postJson(`${daemon.url}/api/v1/auth/token/create`, { name: 'escalate', capabilities: ['auth.admin'] }, { authorization: `Bearer ${alice}` });
  assert.equal(status, 403);
  assert.equal(body.code, 'permission_denied');
});

test('a token used beyond its scope is denied with what is missing', async () => {
  const token = await createToken(daemon, alice, ['kernel.status', 'topic.subscribe:vm.*']);
  const auth = { authorization: `Bearer ${token.secret}` };
  assert.equal((await postJson(`${daemon.url}/api/v1/kernel/status`, {}, auth)).status, 200);
  const socket = await WireSocket.open(daemon.wsUrl, auth);
  assert.equal((await socket.call('bus.subscribe', { pattern: 'vm.*' })).topic, 'bus.subscribe:ack');
  const wider = await socket.call('bus.subscribe', { pattern: 'agent.*' });
  assert.equal(wider.payload?.code, 'permission_denied');
  assert.match(String((wider.payload?.details as { missing: string }).missing), /topic\.subscribe:agent\.\*/);
  const mint = await postJson(`${daemon.url}/api/v1/auth/token/create`, { name: 'child', capabilities: ['kernel.status'] }, auth);
  assert.equal(mint.status, 403, 'a token without auth.token cannot mint tokens');
  await socket.close();
});

test("a user cannot see or revoke another user's tokens", async () => {
  const rootLogin = await loginToken(daemon, 'root');
  const rootToken = await createToken(daemon, rootLogin, ['kernel.status']);
  const list = await postJson(`${daemon.url}/api/v1/auth/token/list`, { owner: 'root' }, { authorization: `Bearer ${alice}` });
  assert.equal(list.status, 403);
  const revoke = await postJson(`${daemon.url}/api/v1/auth/token/revoke`, { id: rootToken.id }, { authorization: `Bearer ${alice}` });
  assert.equal(revoke.status, 404, 'someone else’s token is reported as not existing');
  assert.equal((await postJson(`${daemon.url}/api/v1/kernel/status`, {}, { authorization: `Bearer ${rootToken.secret}` })).status, 200);
});
