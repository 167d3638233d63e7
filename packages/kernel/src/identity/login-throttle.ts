/**
 * Login throttling and lockout, per user name and per source address. The `maxFailures`-th failure in a row
 * locks a key for `baseLockMs`, and every further failure doubles the lock up to `maxLockMs`. A key that has not failed for `forgetAfterMs` starts over. An attempt is charged as a
 * failure *before* the password is checked and refunded on success, so a burst of parallel guesses
 * cannot all slip in before the first one is counted. Names that do not exist are throttled exactly like
 * names that do. Memory is bounded: past `maxEntries` keys the least recently failed is forgotten.
 */

export type Clock = () => number;

export interface ThrottlePolicy {
  /** Failures in a row that lock the key. */
  maxFailures: number;
  baseLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
  maxEntries: number;
}

export const USER_POLICY: ThrottlePolicy = { maxFailures: 5, baseLockMs: 60_000, maxLockMs: 15 * 60_000, forgetAfterMs: 60 * 60_000, maxEntries: 10_000 };
/** Addresses are shared (NAT), so they get more room; they exist to stop one source spraying many names. */
export const ADDRESS_POLICY: ThrottlePolicy = { ...USER_POLICY, maxFailures: 20 };

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export interface Lockout {
  readonly scope: 'user' | 'address';
  readonly key: string;
  readonly failures: number;
  readonly lockMs: number;
}

export type Admission = { ok: false; resetMs: number } | { ok: true; ticket: LoginTicket };

export interface LoginTicket {
  /** The password was right: the user's failures are forgotten and the address's charge refunded. */
  succeeded(): void;
  /** The password was wrong: the charge stands. Returns the lockouts this failure started or extended. */
  failed(): Lockout[];
}

class KeyThrottle {
  readonly #policy: ThrottlePolicy;
  readonly #entries = new Map<string, Entry>();

  constructor(policy: ThrottlePolicy) {
    this.#policy = policy;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Milliseconds until `key` may try again (0 when it may now). */
  wait(key: string, now: number): number {
    const entry = this.#current(key, now);
    return entry === undefined ? 0 : Math.max(0, entry.lockedUntil - now);
  }

  /** Counts one failure; returns the failure count and the lock it imposes (0 when none). */
  charge(key: string, now: number): { failures: number; lockMs: number } {
    const entry = this.#current(key, now) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailure = now;
    const lockMs = this.#lockFor(entry.failures);
    entry.lockedUntil = lockMs > 0 ? now + lockMs : 0;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#policy.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return { failures: entry.failures, lockMs };
  }

  refund(key: string, now: number): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    entry.failures -= 1;
    if (entry.failures <= 0) {
      this.#entries.delete(key);
      return;
    }
    const lockMs = this.#lockFor(entry.failures);
    entry.lockedUntil = lockMs > 0 ? Math.min(entry.lockedUntil, now + lockMs) : 0;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  #lockFor(failures: number): number {
    const over = failures - this.#policy.maxFailures + 1;
    if (over <= 0) return 0;
    return Math.min(this.#policy.maxLockMs, this.#policy.baseLockMs * 2 ** Math.min(over - 1, 30));
  }

  #current(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && now >= entry.lockedUntil && now - entry.lastFailure >= this.#policy.forgetAfterMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

export interface LoginThrottleOptions {
  now?: Clock;
  user?: ThrottlePolicy;
  address?: ThrottlePolicy;
}

export class LoginThrottle {
  readonly #now: Clock;
  readonly #users: KeyThrottle;
  readonly #addresses: KeyThrottle;

  constructor(options: LoginThrottleOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#users = new KeyThrottle(options.user ?? USER_POLICY);
    this.#addresses = new KeyThrottle(options.address ?? ADDRESS_POLICY);
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.#users.size + this.#addresses.size;
  }

  /** Refuses while the user name or the address is locked; otherwise charges the attempt to both. */
  admit(user: string, address: string | undefined): Admission {
    const now = this.#now();
    const resetMs = Math.max(this.#users.wait(user, now), address === undefined ? 0 : this.#addresses.wait(address, now));
    if (resetMs > 0) return { ok: false, resetMs };
    const userCharge = this.#users.charge(user, now);
    const addressCharge = address === undefined ? undefined : this.#addresses.charge(address, now);
    return {
      ok: true,
      ticket: {
        succeeded: () => {
          this.#users.forget(user);
          if (address !== undefined) this.#addresses.refund(address, this.#now());
        },
        failed: () => {
          const lockouts: Lockout[] = [];
          if (userCharge.lockMs > 0) lockouts.push({ scope: 'user', key: user, ...userCharge });
          if (addressCharge !== undefined && address !== undefined && addressCharge.lockMs > 0) {
            lockouts.push({ scope: 'address', key: address, ...addressCharge });
          }
          return lockouts;
        },
      },
    };
  }
}
