import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { authRecords, type Fixture, GOOD_PASSWORD, using, withEachEngine } from './identity-fixture.ts';

const ALICE_DOCS = 'fs.read:/home/alice/docs/**';

async function alice({ identity }: Fixture): Promise<void> {
  await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
}

await withEachEngine((engine) => {
  void describe(`API tokens on ${engine.name}`, { skip: engine.skip }, () => {
    void it('shows the secret once, stores only its SHA-256, and lists the token without it', () =>
      using(engine, async (fixture) => {
        await alice(fixture);
        const { token, secret } = await fixture.identity.tokens.create({ owner: 'alice', name: 'ci', capabilities: [ALICE_DOCS] });
        assert.match(secret, /^aet_[A-Za-z0-9_-]{43}$/);
        assert.deepEqual(token.capabilities, [ALICE_DOCS]);
        const listed = await fixture.identity.tokens.list('alice');
        assert.equal(listed.length, 1);
        assert.ok(!JSON.stringify(listed).includes(secret.slice(4)));
        const rows = await fixture.database.query<Record<string, unknown>>('SELECT * FROM api_tokens');
        assert.ok(!JSON.stringify(rows).includes(secret.slice(4)), 'the secret is not stored');
        const principal = await fixture.identity.authenticator.authenticateBearer(secret);
        assert.equal(principal?.id, `token:${token.id}`);
        assert.equal(principal.parentId, 'user:alice');
        assert.equal(principal.capabilities.implies('fs.read:/home/alice/docs/a.txt'), true);
        assert.equal(principal.capabilities.implies('fs.write:/home/alice/docs/a.txt'), false);
        assert.equal((await authRecords(fixture.audit, 'token.create')).length, 1);
      }));

    void it('refuses a token broader than its owner, and audits the attempt', () =>
      using(engine, async (fixture) => {
        await alice(fixture);
        for (const capabilities of [['fs.read:/home/bob/**'], ['auth.admin'], ['*.*'], [ALICE_DOCS, 'vm.spawn:docker']]) {
          await assert.rejects(fixture.identity.tokens.create({ owner: 'alice', name: 'wide', capabilities }), (error) =>
            isKernelError(error, 'permission_denied'),
          );
        }
        assert.deepEqual(await fixture.identity.tokens.list('alice'), []);
        const denials = await authRecords(fixture.audit, 'token.create');
        assert.equal(denials.length, 4);
        assert.ok(denials.every((record) => record.decision === 'deny'));
      }));

    void it('a token can only create tokens narrower than itself', () =>
      using(engine, async (fixture) => {
        await alice(fixture);
        const { secret } = await fixture.identity.tokens.create({ owner: 'alice', name: 'parent', capabilities: [ALICE_DOCS, 'auth.token'] });
        const parent = await fixture.identity.authenticator.authenticateBearer(secret);
        assert.ok(parent);
        await assert.rejects(
          fixture.identity.tokens.create({ owner: 'alice', name: 'child', capabilities: ['fs.read:/home/alice/**'] }, parent),
          (error) => isKernelError(error, 'permission_denied'),
        );
        const child = await fixture.identity.tokens.create({ owner: 'alice', name: 'child', capabilities: ['fs.read:/home/alice/docs/x/**'] }, parent);
        assert.deepEqual(child.token.capabilities, ['fs.read:/home/alice/docs/x/**']);
      }));

    void it('a revoked token stops working at once, also for a connection already holding it', () =>
      using(engine, async (fixture) => {
        await alice(fixture);
        const { token, secret } = await fixture.identity.tokens.create({ owner: 'alice', name: 'ci', capabilities: [ALICE_DOCS] });
        const held = await fixture.identity.authenticator.authenticateBearer(secret);
        assert.ok(held);
        await fixture.identity.tokens.revoke(token.id);
        assert.equal(await fixture.identity.authenticator.authenticateBearer(secret), undefined);
        assert.deepEqual(held.capabilities.list(), []);
        assert.equal(held.capabilities.implies('fs.read:/home/alice/docs/a.txt'), false);
        assert.equal((await authRecords(fixture.audit, 'token.revoke')).length, 1);
      }));

    void it('an expired token is refused', () =>
      using(engine, async (fixture) => {
        await alice(fixture);
        const expiresAt = new Date(fixture.clock.now() + 3_600_000);
        const { token, secret } = await fixture.identity.tokens.create({ owner: 'alice', name: 'short', capabilities: [ALICE_DOCS], expiresAt });
        assert.ok(await fixture.identity.authenticator.authenticateBearer(secret));
        fixture.clock.advance(3_600_000);
        assert.equal(await fixture.identity.authenticator.authenticateBearer(secret), undefined);
        assert.deepEqual((await fixture.identity.tokens.list('alice')).map((t) => [t.id, t.expired]), [[token.id, true]]);
        await assert.rejects(
          fixture.identity.tokens.create({ owner: 'alice', name: 'past', capabilities: [], expiresAt: new Date(fixture.clock.now()) }),
          (error) => isKernelError(error, 'payload_invalid'),
        );
      }));

    void it('forged, malformed and oversized bearer strings authenticate nobody', () =>
      using(engine, async ({ identity }) => {
        for (const forged of ['', 'aet_', 'aet_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `aet_${'A'.repeat(5000)}`, 'aet_../../x', 'Bearer aet_x', 'aes_x', 'eyJhbGciOiJub25lIn0.e30.']) {
          assert.equal(await identity.authenticator.authenticateBearer(forged), undefined, forged.slice(0, 40));
        }
      }));

    void it('removing the owner kills their tokens and sessions at once', () =>
      using(engine, async (fixture) => {
        await alice(fixture);
        const { secret } = await fixture.identity.tokens.create({ owner: 'alice', name: 'ci', capabilities: [ALICE_DOCS] });
        const session = await fixture.identity.sessions.create('alice');
        const heldToken = await fixture.identity.authenticator.authenticateBearer(secret);
        const heldSession = await fixture.identity.authenticator.authenticateSession(session.sessionId);
        assert.ok(heldToken && heldSession);
        await fixture.identity.users.removeUser('alice');
        assert.equal(await fixture.identity.authenticator.authenticateBearer(secret), undefined);
        assert.equal(await fixture.identity.authenticator.authenticateSession(session.sessionId), undefined);
        assert.deepEqual(heldToken.capabilities.list(), []);
        assert.deepEqual(heldSession.principal.capabilities.list(), []);
      }));

    void it('downgrading the owner revokes what the token held and keeps only what the new role grants', () =>
      using(engine, async (fixture) => {
        await alice(fixture);
        const { secret } = await fixture.identity.tokens.create({ owner: 'alice', name: 'ci', capabilities: ['fs.write:/home/alice/**', ALICE_DOCS] });
        const held = await fixture.identity.authenticator.authenticateBearer(secret);
        assert.ok(held);
        assert.ok(held.capabilities.implies('fs.write:/home/alice/a.txt'));
        await fixture.identity.users.setRole('alice', 'viewer');
        assert.deepEqual(held.capabilities.list(), [], 'the held principal is revoked');
        const fresh = await fixture.identity.authenticator.authenticateBearer(secret);
        assert.ok(fresh);
        assert.equal(fresh.capabilities.implies('fs.write:/home/alice/a.txt'), false);
        assert.equal(fresh.capabilities.implies('fs.read:/home/alice/docs/a.txt'), true);
      }));

    void it('another kernel node’s revocation reaches this node’s held principals on the next sweep', () =>
      using(engine, async (fixture) => {
        await alice(fixture);
        const other = fixture.secondNode();
        const { token, secret } = await fixture.identity.tokens.create({ owner: 'alice', name: 'ci', capabilities: [ALICE_DOCS] });
        const held = await other.authenticator.authenticateBearer(secret);
        assert.ok(held);
        await fixture.identity.tokens.revoke(token.id);
        assert.equal(await other.authenticator.authenticateBearer(secret), undefined, 'new requests are refused at once');
        assert.deepEqual(await other.sweeper.sweep(), { purged: 0, revoked: 1 });
        assert.deepEqual(held.capabilities.list(), []);
      }));
  });
});
