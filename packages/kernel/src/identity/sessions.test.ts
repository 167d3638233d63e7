import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GOOD_PASSWORD, using, withEachEngine } from './identity-fixture.ts';
import { SESSION_POLICY } from './session-service.ts';

const HOUR = 3_600_000;

await withEachEngine((engine) => {
  void describe(`browser sessions on ${engine.name}`, { skip: engine.skip }, () => {
    void it('a session authenticates as its user with a CSRF token, and only the right CSRF token passes', () =>
      using(engine, async ({ identity, database }) => {
        await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
        const session = await identity.sessions.create('alice');
        assert.match(session.sessionId, /^aes_[A-Za-z0-9_-]{43}$/);
        const auth = await identity.authenticator.authenticateSession(session.sessionId);
        assert.ok(auth);
        assert.equal(auth.principal.id, 'user:alice');
        assert.equal(auth.principal.capabilities.implies('fs.write:/home/alice/notes.md'), true);
        assert.equal(auth.principal.capabilities.implies('fs.write:/home/bob/notes.md'), false);
        assert.equal(identity.authenticator.checkCsrf(auth, session.csrfToken), true);
        assert.equal(identity.authenticator.checkCsrf(auth, `${session.csrfToken}x`), false);
        assert.equal(identity.authenticator.checkCsrf(auth, ''), false);
        assert.equal(identity.authenticator.checkCsrf(auth, undefined), false);
        assert.equal((await identity.authenticator.authenticateBearer(session.sessionId))?.id, 'user:alice');
        const rows = await database.query<Record<string, unknown>>('SELECT * FROM sessions');
        assert.ok(!JSON.stringify(rows).includes(session.sessionId.slice(4)), 'the session id is not stored');
      }));

    void it('ends a session after the idle timeout, unless it was used in between', () =>
      using(engine, async ({ identity, clock }) => {
        await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
        const used = await identity.sessions.create('alice');
        const idle = await identity.sessions.create('alice');
        clock.advance(SESSION_POLICY.idleMs - HOUR);
        assert.ok(await identity.sessions.authenticate(used.sessionId));
        clock.advance(HOUR);
        assert.equal(await identity.sessions.authenticate(idle.sessionId), undefined);
        assert.ok(await identity.sessions.authenticate(used.sessionId));
      }));

    void it('ends a session at its absolute expiry however busy it is', () =>
      using(engine, async ({ identity, clock }) => {
        await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
        const session = await identity.sessions.create('alice');
        const held = await identity.sessions.authenticate(session.sessionId);
        for (let elapsed = 0; elapsed < SESSION_POLICY.absoluteMs; elapsed += 6 * HOUR) {
          assert.ok(await identity.sessions.authenticate(session.sessionId), `alive after ${elapsed / HOUR} h`);
          clock.advance(6 * HOUR);
        }
        assert.equal(await identity.sessions.authenticate(session.sessionId), undefined);
        assert.deepEqual(held?.principal.capabilities.list(), []);
      }));

    void it('logout ends the session for every connection holding it', () =>
      using(engine, async ({ identity }) => {
        await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
        const session = await identity.sessions.create('alice');
        const held = await identity.sessions.authenticate(session.sessionId);
        assert.equal(await identity.sessions.end(session.sessionId), true);
        assert.equal(await identity.sessions.authenticate(session.sessionId), undefined);
        assert.deepEqual(held?.principal.capabilities.list(), []);
        assert.equal(await identity.sessions.end(session.sessionId), false);
      }));

    void it('keeps at most maxPerUser sessions per user, ending the oldest', () =>
      using(
        engine,
        async ({ identity, clock }) => {
          await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
          const sessions = [];
          for (let i = 0; i < 3; i++) {
            sessions.push(await identity.sessions.create('alice'));
            clock.advance(1000);
          }
          const alive = await Promise.all(sessions.map(async (s) => (await identity.sessions.authenticate(s.sessionId)) !== undefined));
          assert.deepEqual(alive, [false, true, true]);
        },
        { sessions: { ...SESSION_POLICY, maxPerUser: 2 } },
      ));

    void it('the sweeper deletes expired sessions and tokens', () =>
      using(engine, async ({ identity, clock, database }) => {
        await identity.users.createUser({ name: 'alice', password: GOOD_PASSWORD, role: 'user' });
        await identity.sessions.create('alice');
        await identity.tokens.create({ owner: 'alice', name: 'short', capabilities: [], expiresAt: new Date(clock.now() + HOUR) });
        await identity.tokens.create({ owner: 'alice', name: 'long', capabilities: [] });
        clock.advance(SESSION_POLICY.idleMs);
        assert.deepEqual(await identity.sweeper.sweep(), { purged: 2, revoked: 0 });
        const count = async (table: string) => Number((await database.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);
        assert.equal(await count('sessions'), 0);
        assert.equal(await count('api_tokens'), 1);
      }));
  });
});
