import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './identity-fixture.ts';
import { type Admission, LoginThrottle, type ThrottlePolicy } from './login-throttle.ts';

const POLICY: ThrottlePolicy = { maxFailures: 3, baseLockMs: 60_000, maxLockMs: 8 * 60_000, forgetAfterMs: 3_600_000, maxEntries: 100 };

function fail(throttle: LoginThrottle, user: string, address?: string): Admission {
  const admission = throttle.admit(user, address);
  if (admission.ok) admission.ticket.failed();
  return admission;
}

void describe('login throttle', () => {
  void it('locks a name after N failures and lets it try again once the lock has passed', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ now: clock.now, user: POLICY, address: POLICY });
    assert.equal(fail(throttle, 'alice').ok, true);
    assert.equal(fail(throttle, 'alice').ok, true);
    const third = throttle.admit('alice', undefined);
    assert.ok(third.ok);
    assert.deepEqual(third.ticket.failed(), [{ scope: 'user', key: 'alice', failures: 3, lockMs: 60_000 }]);
    const refused = throttle.admit('alice', undefined);
    assert.deepEqual(refused, { ok: false, resetMs: 60_000 });
    clock.advance(59_999);
    assert.equal(throttle.admit('alice', undefined).ok, false);
    clock.advance(1);
    assert.equal(throttle.admit('alice', undefined).ok, true);
  });

  void it('doubles the lock with every further failure, up to the maximum', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ now: clock.now, user: POLICY, address: POLICY });
    const locks: number[] = [];
    for (let i = 0; i < 7; i++) {
      const admission = throttle.admit('alice', undefined);
      assert.ok(admission.ok, `attempt ${i + 1} admitted`);
      const lockout = admission.ticket.failed()[0];
      if (lockout !== undefined) {
        locks.push(lockout.lockMs);
        clock.advance(lockout.lockMs);
      }
    }
    assert.deepEqual(locks, [60_000, 120_000, 240_000, 480_000, 480_000]);
  });

  void it('a success forgets the name’s failures', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ now: clock.now, user: POLICY, address: POLICY });
    fail(throttle, 'alice');
    fail(throttle, 'alice');
    const admission = throttle.admit('alice', undefined);
    assert.ok(admission.ok);
    admission.ticket.succeeded();
    fail(throttle, 'alice');
    fail(throttle, 'alice');
    assert.equal(throttle.admit('alice', undefined).ok, true);
  });

  void it('forgets failures after a quiet period', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ now: clock.now, user: POLICY, address: POLICY });
    fail(throttle, 'alice');
    fail(throttle, 'alice');
    clock.advance(POLICY.forgetAfterMs);
    fail(throttle, 'alice');
    fail(throttle, 'alice');
    assert.equal(throttle.admit('alice', undefined).ok, true, 'only two failures count since the quiet hour');
  });

  void it('locks a source address that sprays many names, without locking those names elsewhere', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ now: clock.now, user: POLICY, address: POLICY });
    fail(throttle, 'a', '10.0.0.1');
    fail(throttle, 'b', '10.0.0.1');
    fail(throttle, 'c', '10.0.0.1');
    assert.equal(throttle.admit('d', '10.0.0.1').ok, false);
    assert.equal(throttle.admit('d', '10.0.0.2').ok, true);
  });

  void it('charges an attempt before the check finishes, so parallel guesses cannot all slip in', () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle({ now: clock.now, user: POLICY, address: POLICY });
    const inFlight = [throttle.admit('alice', undefined), throttle.admit('alice', undefined), throttle.admit('alice', undefined)];
    assert.ok(inFlight.every((admission) => admission.ok));
    assert.equal(throttle.admit('alice', undefined).ok, false, 'the fourth parallel attempt waits');
  });

  void it('remembers at most maxEntries keys', () => {
    const clock = new ManualClock();
    const small = { ...POLICY, maxEntries: 10 };
    const throttle = new LoginThrottle({ now: clock.now, user: small, address: small });
    for (let i = 0; i < 1000; i++) fail(throttle, `user${i}`, `10.0.${i >> 8}.${i & 255}`);
    assert.ok(throttle.size <= 20, `size ${throttle.size}`);
  });
});
