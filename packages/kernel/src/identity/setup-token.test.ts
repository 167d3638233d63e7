import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { authRecords, GOOD_PASSWORD, using, withEachEngine } from './identity-fixture.ts';

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

await withEachEngine((engine) => {
  void describe(`first-run setup on ${engine.name}`, { skip: engine.skip }, () => {
    void it('writes a one-time token readable only by the owner, and creates no user', () =>
      using(engine, async ({ identity }) => {
        const token = await identity.setup.prepare();
        assert.match(token ?? '', /^aeset_[A-Za-z0-9_-]{43}$/);
        assert.equal((await stat(identity.setup.file)).mode & 0o777, 0o600);
        assert.equal(await identity.users.hasUsers(), false);
      }));

    void it('refuses a wrong token, then creates the first admin with the right one and deletes the file', () =>
      using(engine, async ({ identity, audit }) => {
        const token = (await identity.setup.prepare()) ?? '';
        await assert.rejects(identity.setup.complete({ token: `${token}x`, user: 'root', password: GOOD_PASSWORD }), (error) =>
          isKernelError(error, 'unauthenticated'),
        );
        const admin = await identity.setup.complete({ token, user: 'root', password: GOOD_PASSWORD });
        assert.equal(admin.role, 'admin');
        assert.equal(await exists(identity.setup.file), false);
        assert.equal((await identity.users.verifyLogin('root', GOOD_PASSWORD)).role, 'admin');
        const setups = await authRecords(audit, 'setup');
        assert.deepEqual(setups.map((record) => record.decision), ['deny', 'allow']);
        assert.ok(!JSON.stringify(setups).includes(token), 'the token is not audited');
      }));

    void it('is single use: the same token is refused once the first admin exists', () =>
      using(engine, async ({ identity }) => {
        const token = (await identity.setup.prepare()) ?? '';
        await identity.setup.complete({ token, user: 'root', password: GOOD_PASSWORD });
        await assert.rejects(identity.setup.complete({ token, user: 'mallory', password: GOOD_PASSWORD }), (error) =>
          isKernelError(error, 'conflict'),
        );
        assert.equal(await identity.setup.prepare(), undefined, 'no new token once a user exists');
        assert.deepEqual((await identity.users.listUsers()).map((user) => user.name), ['root']);
      }));

    void it('two setups racing with the right token create one admin', () =>
      using(engine, async ({ identity }) => {
        const token = (await identity.setup.prepare()) ?? '';
        const results = await Promise.allSettled([
          identity.setup.complete({ token, user: 'first', password: GOOD_PASSWORD }),
          identity.setup.complete({ token, user: 'second', password: GOOD_PASSWORD }),
        ]);
        assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
        assert.equal((await identity.users.listUsers()).length, 1);
      }));

    void it('an admin added from the host ends setup and removes a stale token file', () =>
      using(engine, async ({ identity }) => {
        const token = (await identity.setup.prepare()) ?? '';
        await identity.users.createUser({ name: 'root', password: GOOD_PASSWORD, role: 'admin' });
        await assert.rejects(identity.setup.complete({ token, user: 'mallory', password: GOOD_PASSWORD }), (error) =>
          isKernelError(error, 'conflict'),
        );
        assert.equal(await exists(identity.setup.file), false);
      }));

    void it('refuses any token when no setup is pending', () =>
      using(engine, async ({ identity }) => {
        await assert.rejects(identity.setup.complete({ token: 'aeset_guess', user: 'root', password: GOOD_PASSWORD }), (error) =>
          isKernelError(error, 'unauthenticated'),
        );
      }));
  });
});
