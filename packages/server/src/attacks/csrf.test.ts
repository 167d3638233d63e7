import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PASSWORD, addUser, browserLogin } from '../testing/accounts.ts';
import { type TestDaemon, postJson, startTestDaemon } from '../testing/daemon.ts';
import { UpgradeRefused, WireSocket } from '../testing/wire-socket.ts';

const EVIL = 'https://evil.example';

let daemon: TestDaemon;
before(async () => {
  daemon = await startTestDaemon();
  await addUser(daemon, 'carol');
});
after(() => daemon.dispose());

test('a browser login sets an httpOnly SameSite=Strict cookie and keeps the session id out of page reach', async () => {
  const { cookie, csrf, body } = await browserLogin(daemon, 'carol');
  assert.match(cookie, /^aether_session=aes_/);
  assert.equal('sessionId' in (body.session as object), false);
  assert.ok(csrf.length > 20);
  const response = await fetch(`${daemon.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'carol', password: PASSWORD }) });
  assert.match(response.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
});

test('a cookie-authenticated change needs the CSRF token and the daemon’s own origin', async () => {
  const { cookie, csrf } = await browserLogin(daemon, 'carol');
  const whoami = `${daemon.url}/api/v1/auth/whoami`;
  const ok = await postJson(whoami, {}, { cookie, 'x-csrf-token': csrf, origin: daemon.url });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.principal, 'user:carol');
  const missing = await postJson(whoami, {}, { cookie, origin: daemon.url });
  assert.equal(missing.status, 403);
  assert.match(String(missing.body.error), /x-csrf-token/);
  assert.equal((await postJson(whoami, {}, { cookie, 'x-csrf-token': `${csrf}x`, origin: daemon.url })).status, 403);
  const foreign = await postJson(whoami, {}, { cookie, 'x-csrf-token': csrf, origin: EVIL });
  assert.equal(foreign.status, 403);
  const rpc = await postJson(`${daemon.url}/rpc`, { jsonrpc: '2.0', id: 1, method: 'auth.whoami' }, { cookie, origin: daemon.url });
  assert.equal(rpc.status, 403, 'JSON-RPC over HTTP is guarded the same way');
});

test('a foreign page cannot log a victim in (login CSRF) or open a socket with their cookie', async () => {
  const login = await postJson(`${daemon.url}/api/v1/auth/login`, { user: 'carol', password: PASSWORD }, { origin: EVIL });
  assert.equal(login.status, 403);
  assert.equal(login.headers.get('set-cookie'), null);
  const { cookie } = await browserLogin(daemon, 'carol');
  await assert.rejects(WireSocket.open(daemon.wsUrl, { cookie, origin: EVIL }), (thrown) => thrown instanceof UpgradeRefused && thrown.status === 403);
  const socket = await WireSocket.open(daemon.wsUrl, { cookie, origin: daemon.url });
  assert.equal((await socket.call('auth.whoami')).payload?.principal, 'user:carol');
  await socket.close();
});

test('logout clears the cookie and ends the session', async () => {
  const { cookie, csrf } = await browserLogin(daemon, 'carol');
  const out = await postJson(`${daemon.url}/api/v1/auth/logout`, {}, { cookie, 'x-csrf-token': csrf, origin: daemon.url });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie') ?? '', /aether_session=; .*Max-Age=0/);
  const after = await postJson(`${daemon.url}/api/v1/auth/whoami`, {}, { cookie, 'x-csrf-token': csrf, origin: daemon.url });
  assert.equal(after.status, 401, 'the ended session authenticates nobody');
});
