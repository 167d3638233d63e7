/**
 * The auth.* contracts end to end through a real kernel's ingress: frames in, addressed replies out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Envelope } from '../bus/envelope.ts';
import { type TestKernel, WireClient, startTestKernel } from '../testing/kernel.ts';
import { authRecords, GOOD_PASSWORD } from './identity-fixture.ts';
import type { Identity } from './identity.ts';

function ok(envelope: Envelope): Record<string, unknown> {
  assert.match(envelope.topic, /:ack$/, `expected a reply, got ${envelope.topic} ${JSON.stringify(envelope.payload)}`);
  const { _request_id: _id, ...reply } = envelope.payload ?? {};
  return reply;
}

function code(envelope: Envelope): unknown {
  assert.match(envelope.topic, /\.error$/, `expected an error, got ${envelope.topic}`);
  return envelope.payload?.code;
}

void describe('auth contracts through the kernel', () => {
  let kernel: TestKernel;
  let identity: Identity;

  before(async () => {
    kernel = await startTestKernel();
    identity = kernel.identity;
  });
  after(() => kernel.dispose());

  const login = async (user: string, password = GOOD_PASSWORD, as?: 'token'): Promise<{ client: WireClient; reply: Record<string, unknown> }> => {
    const client = new WireClient(kernel);
    const reply = ok(await client.call('auth.login', { user, password, ...(as === undefined ? {} : { as }) }));
    return { client, reply };
  };

  void it('sets up the first admin with the setup token, then logs in on an unauthenticated connection', async () => {
    const anonymous = new WireClient(kernel);
    assert.equal(code(await anonymous.call('auth.whoami')), 'unauthenticated');
    assert.equal(code(await anonymous.call('auth.user.list')), 'unauthenticated');
    const token = await identity.setup.prepare();
    assert.ok(token);
    assert.equal(code(await anonymous.call('auth.setup', { token: 'aeset_wrong', user: 'root', password: GOOD_PASSWORD })), 'unauthenticated');
    ok(await anonymous.call('auth.setup', { token, user: 'root', password: GOOD_PASSWORD }));
    assert.equal(code(await anonymous.call('auth.setup', { token, user: 'evil', password: GOOD_PASSWORD })), 'conflict');

    const reply = ok(await anonymous.call('auth.login', { user: 'root', password: GOOD_PASSWORD }));
    const session = reply.session as { sessionId: string; csrfToken: string };
    assert.match(session.sessionId, /^aes_/);
    const whoami = ok(await anonymous.call('auth.whoami'));
    assert.equal(whoami.principal, 'user:root');
    assert.equal(whoami.role, 'admin');
    ok(await anonymous.call('auth.user.add', { name: 'bob', password: GOOD_PASSWORD, role: 'user' }));
  });

  void it('answers a wrong password and an unknown user alike, and locks out brute force', async () => {
    const client = new WireClient(kernel);
    const wrong = await client.call('auth.login', { user: 'bob', password: 'not bob password' });
    const unknown = await client.call('auth.login', { user: 'nobody-here', password: 'not bob password' });
    assert.deepEqual({ ...unknown.payload, _request_id: 0 }, { ...wrong.payload, _request_id: 0 });
    assert.equal(code(wrong), 'unauthenticated');
    for (let i = 0; i < 4; i++) await client.call('auth.login', { user: 'nobody-here', password: `guess ${i}` });
    const locked = await client.call('auth.login', { user: 'nobody-here', password: 'guess again' });
    assert.equal(code(locked), 'rate_limited');
    assert.equal(typeof (locked.payload?.details as { resetMs?: unknown }).resetMs, 'number');
  });

  void it('keeps a user to their own account: no admin topics, no tokens beyond their scope', async () => {
    const { client } = await login('bob');
    assert.equal(ok(await client.call('auth.whoami')).principal, 'user:bob');
    assert.equal(code(await client.call('auth.user.list')), 'permission_denied');
    assert.equal(code(await client.call('auth.user.add', { name: 'eve', password: GOOD_PASSWORD, role: 'admin' })), 'permission_denied');
    assert.equal(code(await client.call('auth.user.passwd', { name: 'root', password: 'owned by bob now' })), 'permission_denied');
    assert.equal(code(await client.call('auth.token.list', { owner: 'root' })), 'permission_denied');
    assert.equal(code(await client.call('auth.token.create', { name: 'x', capabilities: ['*.*'] })), 'permission_denied');
    assert.equal(code(await client.call('auth.token.create', { name: 'x', capabilities: ['fs.read:/home/root/**'] })), 'permission_denied');
    assert.equal(code(await client.call('auth.user.passwd', { password: 'a new bob password' })), 'payload_invalid');
    assert.equal(code(await client.call('auth.user.passwd', { currentPassword: 'wrong one', password: 'a new bob password' })), 'permission_denied');
    const denied = await authRecords(kernel.audit, 'user.passwd');
    assert.ok(denied.some((record) => record.decision === 'deny' && record.principal === 'user:bob'));
  });

  void it('a scoped token acts within its scope only, and stops at once when revoked', async () => {
    const { client } = await login('bob');
    const created = ok(await client.call('auth.token.create', { name: 'docs', capabilities: ['fs.read:/home/bob/docs/**'] }));
    const secret = created.secret as string;
    const id = (created.token as { id: string }).id;
    const listed = ok(await client.call('auth.token.list'));
    assert.ok(!JSON.stringify(listed).includes(secret));

    const principal = await identity.authenticator.authenticateBearer(secret);
    assert.ok(principal);
    const program = new WireClient(kernel, { principal });
    const whoami = ok(await program.call('auth.whoami'));
    assert.deepEqual([whoami.principal, whoami.user, whoami.tokenId], [`token:${id}`, 'bob', id]);
    assert.equal(code(await program.call('auth.token.create', { name: 'more', capabilities: [] })), 'permission_denied');
    assert.equal(code(await program.call('kernel.status')), 'permission_denied');

    const admin = await login('root');
    assert.equal(code(await new WireClient(kernel, { principal }).call('auth.token.revoke', { id: 'tok_unknown' })), 'permission_denied');
    ok(await admin.client.call('auth.token.revoke', { id }));
    // An ended principal is no one: the ingress answers as for an unauthenticated connection.
    assert.equal(code(await program.call('auth.whoami')), 'unauthenticated');
    assert.equal(await identity.authenticator.authenticateBearer(secret), undefined);
  });

  void it('logs in for a token (the CLI), and logout revokes it', async () => {
    const { client, reply } = await login('bob', GOOD_PASSWORD, 'token');
    const token = reply.token as { secret: string };
    assert.match(token.secret, /^aet_/);
    assert.equal(ok(await client.call('auth.whoami')).user, 'bob');
    assert.deepEqual(ok(await client.call('auth.logout')), { ended: true });
    assert.equal(code(await client.call('auth.whoami')), 'unauthenticated');
    assert.equal(await identity.authenticator.authenticateBearer(token.secret), undefined);
  });

  void it('removing a user ends their live connections', async () => {
    const admin = await login('root');
    ok(await admin.client.call('auth.user.add', { name: 'carol', password: GOOD_PASSWORD, role: 'viewer' }));
    const carol = await login('carol');
    assert.equal(ok(await carol.client.call('auth.whoami')).role, 'viewer');
    assert.deepEqual(ok(await admin.client.call('auth.user.remove', { name: 'carol' })), { removed: 'carol' });
    assert.equal(code(await carol.client.call('auth.whoami')), 'unauthenticated');
    assert.equal(code(await admin.client.call('auth.user.remove', { name: 'root' })), 'conflict');
  });

  void it('records every auth event in the audit log', async () => {
    const actions = new Set((await kernel.audit.query({ kind: 'auth', limit: 1000 })).records.map((record) => `${record.action}:${record.decision}`));
    for (const expected of ['setup:deny', 'setup:allow', 'login:allow', 'login:deny', 'login.lockout:deny', 'user.add:allow', 'user.remove:allow', 'token.create:allow', 'token.revoke:allow', 'logout:allow']) {
      assert.ok(actions.has(expected), `${expected} in ${[...actions].join(', ')}`);
    }
    const denials = (await kernel.audit.query({ kind: 'denial', limit: 1000 })).records;
    assert.ok(denials.some((record) => record.principal === 'user:bob' && record.action === 'auth.user.list'));
  });
});
