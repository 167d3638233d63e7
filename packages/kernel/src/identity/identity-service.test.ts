import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKernelError, type KernelError } from '../contracts/errors.ts';
import { authRecords, GOOD_PASSWORD, using, withEachEngine } from './identity-fixture.ts';

async function failure(promise: Promise<unknown>): Promise<KernelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isKernelError(error), String(error));
    return error;
  }
  assert.fail('expected a failure');
}

await withEachEngine((engine) => {
  void describe(`users and logins on ${engine.name}`, { skip: engine.skip }, () => {
    void it('refuses an 11-character password and accepts a 12-character one, storing only an scrypt hash', () =>
      using(engine, async ({ identity, database }) => {
        const short = await failure(identity.users.createUser({ name: 'alice', password: 'a'.repeat(11), role: 'user' }));
        assert.equal(short.code, 'payload_invalid');
        await identity.users.createUser({ name: 'alice', password: 'abcdefghijkl', role: 'user' });
        const rows = await database.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE name = ?', ['alice']);
        assert.match(rows[0]?.password_hash ?? '', /^\$scrypt\$ln=15,r=8,p=1\$/);
        assert.ok(!rows[0]?.password_hash.includes('abcdefghijkl'));
      }));

    void it('refuses malformed and reserved user names, unknown roles and taken names', () =>
      using(engine, async ({ identity }) => {
        for (const name of ['Alice', '../etc', 'a/b', 'anonymous', '-x', 'a..b']) {
          assert.equal((await failure(identity.users.createUser({ name, password: GOOD_PASSWORD, role: 'user' }))).code, 'payload_invalid', name);
        }
        assert.equal((await failure(identity.users.createUser({ name: 'bob', password: GOOD_PASSWORD, role: 'wizard' }))).code, 'not_found');
        await identity.users.createUser({ name: 'bob', password: GOOD_PASSWORD, role: 'viewer' });
        assert.equal((await failure(identity.users.createUser({ name: 'bob', password: GOOD_PASSWORD, role: 'user' }))).code, 'conflict');
        assert.deepEqual(
          (await identity.users.listUsers()).map((user) => [user.name, user.role]),
          [['bob', 'viewer']],
        );
      }));

    void it('answers a wrong password and an unknown user the same way, and audits both', () =>
      using(engine, async ({ identity, audit }) => {
        await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
        const wrong = await failure(identity.users.verifyLogin('alice', 'not the password', '10.0.0.1'));
        const unknown = await failure(identity.users.verifyLogin('nobody', GOOD_PASSWORD, '10.0.0.1'));
        assert.equal(wrong.code, 'unauthenticated');
        assert.deepEqual([unknown.code, unknown.message, unknown.details], [wrong.code, wrong.message, wrong.details]);
        assert.equal((await identity.users.verifyLogin('alice', GOOD_PASSWORD, '10.0.0.1')).name, 'alice');
        const logins = await authRecords(audit, 'login');
        assert.deepEqual(
          logins.map((record) => [record.principal, record.decision, record.data.source]),
          [
            ['user:alice', 'deny', '10.0.0.1'],
            ['user:nobody', 'deny', '10.0.0.1'],
            ['user:alice', 'allow', '10.0.0.1'],
          ],
        );
        assert.ok(!JSON.stringify(logins).includes(GOOD_PASSWORD), 'no password in the audit log');
      }));

    void it('locks a user out after 5 failures, even for the right password, and lets them in after the window', () =>
      using(engine, async ({ identity, audit, clock }) => {
        await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
        for (let i = 0; i < 5; i++) assert.equal((await failure(identity.users.verifyLogin('alice', `guess number ${i}`))).code, 'unauthenticated');
        const locked = await failure(identity.users.verifyLogin('alice', GOOD_PASSWORD));
        assert.equal(locked.code, 'rate_limited');
        assert.equal(locked.details?.resetMs, 60_000);
        const lockouts = await authRecords(audit, 'login.lockout');
        assert.equal(lockouts.length, 1);
        assert.equal(lockouts[0]?.principal, 'user:alice');
        clock.advance(60_000);
        assert.equal((await identity.users.verifyLogin('alice', GOOD_PASSWORD)).name, 'alice');
      }));

    void it('locks an unknown name exactly like a known one', () =>
      using(engine, async ({ identity }) => {
        for (let i = 0; i < 5; i++) await failure(identity.users.verifyLogin('ghost', `guess number ${i}`));
        assert.equal((await failure(identity.users.verifyLogin('ghost', GOOD_PASSWORD))).code, 'rate_limited');
      }));

    void it('keeps at least one admin: the last one can be neither removed nor downgraded', () =>
      using(engine, async ({ identity }) => {
        await identity.users.createUser({ name: 'root', password: GOOD_PASSWORD, role: 'admin' });
        assert.equal((await failure(identity.users.removeUser('root'))).code, 'conflict');
        assert.equal((await failure(identity.users.setRole('root', 'user'))).code, 'conflict');
        await identity.users.createUser({ name: 'ops', password: GOOD_PASSWORD, role: 'admin' });
        await identity.users.removeUser('root');
        assert.equal((await failure(identity.users.removeUser('root'))).code, 'not_found');
        assert.deepEqual((await identity.users.listUsers()).map((user) => user.name), ['ops']);
      }));

    void it('a new password replaces the old one and ends the user’s browser sessions', () =>
      using(engine, async ({ identity, audit }) => {
        await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
        const session = await identity.sessions.create('alice');
        const before = await identity.sessions.authenticate(session.sessionId);
        assert.ok(before);
        assert.deepEqual(await identity.users.setPassword('alice', 'a brand new passphrase'), { sessionsEnded: 1 });
        assert.equal(await identity.sessions.authenticate(session.sessionId), undefined);
        assert.deepEqual(before.principal.capabilities.list(), [], 'a connection holding the session lost everything');
        assert.equal((await failure(identity.users.verifyLogin('alice', GOOD_PASSWORD))).code, 'unauthenticated');
        assert.equal((await identity.users.verifyLogin('alice', 'a brand new passphrase')).name, 'alice');
        assert.equal((await authRecords(audit, 'user.passwd')).length, 1);
      }));
  });
});
