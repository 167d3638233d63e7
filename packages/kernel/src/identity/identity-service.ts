/**
 * Users and passwords: add, remove, list, re-role and re-password users, and verify a login. A login
 * failure says the same thing, after the same work (a dummy scrypt for an unknown name), whether the user
 * exists or not, and is throttled per name and per source address. Removing a user, or changing their
 * role, revokes every principal they hold at once; a password change ends their browser sessions.
 */
import { KernelError } from '../contracts/errors.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { type Principal, SYSTEM } from '../security/principal.ts';
import type { Roles } from '../security/roles.ts';
import type { IdentityAudit } from './identity-audit.ts';
import type { LiveGrants } from './live-grants.ts';
import type { Clock, LoginThrottle } from './login-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { acceptNewPassword, normalisePassword } from './password-policy.ts';
import { randomId } from './secrets.ts';
import type { SessionRepository } from './session-repository.ts';
import { checkUserName, userCapabilities, USER_NAME } from './user-capabilities.ts';
import type { UserRecord, UserRepository } from './user-repository.ts';

export interface UserView {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewUser {
  name: string;
  password: string;
  role: string;
}

export interface IdentityServiceDeps {
  users: UserRepository;
  sessions: SessionRepository;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  roles: Roles;
  live: LiveGrants;
  audit: IdentityAudit;
  now: Clock;
}

/** Most users one `listUsers` call returns. */
export const MAX_USER_PAGE = 1000;
const WRONG = 'wrong user name or password';

export function viewOf(user: UserRecord): UserView {
  return { id: user.id, name: user.name, role: user.role, createdAt: user.createdAt, updatedAt: user.updatedAt };
}

export class IdentityService {
  readonly #d: IdentityServiceDeps;

  constructor(deps: IdentityServiceDeps) {
    this.#d = deps;
  }

  async hasUsers(): Promise<boolean> {
    return (await this.#d.users.count()) > 0;
  }

  /** Adds a user (the host's `aether user add [--admin]`, or `auth.user.add`). */
  async createUser(input: NewUser, by: Principal = SYSTEM): Promise<UserView> {
    const user = await this.#newUser(input);
    await this.#d.users.insert(user);
    await this.#d.audit.allow(by.id, 'user.add', { user: user.name, role: user.role });
    return viewOf(user);
  }

  /** Adds the first admin; `conflict` once any user exists. Setup calls this after checking its token. */
  async createFirstAdmin(input: Omit<NewUser, 'role'>, by: Principal = SYSTEM): Promise<UserView> {
    const user = await this.#newUser({ ...input, role: 'admin' });
    await this.#d.users.insertFirst(user);
    await this.#d.audit.allow(by.id, 'setup', { user: user.name, role: user.role });
    return viewOf(user);
  }

  async getUser(name: string): Promise<UserView | undefined> {
    const user = await this.#d.users.byName(name);
    return user === undefined ? undefined : viewOf(user);
  }

  async listUsers(options: { limit?: number; after?: string } = {}): Promise<UserView[]> {
    const limit = Math.min(Math.max(1, options.limit ?? MAX_USER_PAGE), MAX_USER_PAGE);
    return (await this.#d.users.list(limit, options.after)).map(viewOf);
  }

  /** Removes a user with their tokens and sessions; `not_found`, or `conflict` for the last admin. */
  async removeUser(name: string, by: Principal = SYSTEM): Promise<void> {
    const user = await this.#require(name);
    if (!(await this.#d.users.remove(user.id))) throw notFound(name);
    this.#d.live.endUser(user.id);
    await this.#d.audit.allow(by.id, 'user.remove', { user: name });
  }

  /** Changes a user's role; every principal they hold is revoked and rebuilt from the new role on next use. */
  async setRole(name: string, role: string, by: Principal = SYSTEM): Promise<UserView> {
    this.#d.roles.template(role);
    const user = await this.#require(name);
    if (!(await this.#d.users.setRole(user.id, role, this.#iso()))) throw notFound(name);
    this.#d.live.endUser(user.id);
    await this.#d.audit.allow(by.id, 'user.role', { user: name, from: user.role, to: role });
    return viewOf({ ...user, role });
  }

  /** Sets a new password and ends the user's browser sessions (API tokens stay). */
  async setPassword(name: string, password: string, by: Principal = SYSTEM): Promise<{ sessionsEnded: number }> {
    const user = await this.#require(name);
    const hash = await this.#d.hasher.hash(acceptNewPassword(password, name));
    if (!(await this.#d.users.setPasswordHash(user.id, hash, this.#iso()))) throw notFound(name);
    const ended = await this.#d.sessions.removeFor(user.id);
    for (const key of ended) this.#d.live.end({ kind: 'session', key });
    await this.#d.audit.allow(by.id, 'user.passwd', { user: name, sessionsEnded: ended.length });
    return { sessionsEnded: ended.length };
  }

  /**
   * The user if `password` is theirs. Throws `unauthenticated` (the same for an unknown name and a wrong
   * password) or `rate_limited` with `details.resetMs` while the name or the source is locked out.
   */
  async verifyLogin(name: string, password: string, source?: string): Promise<UserView> {
    const known = USER_NAME.test(name);
    const actor = known ? `user:${name}` : 'user:anonymous';
    const admission = this.#d.throttle.admit(name, source);
    if (!admission.ok) {
      throw new KernelError('rate_limited', `too many failed logins; try again in ${Math.ceil(admission.resetMs / 1000)} s`, {
        resetMs: admission.resetMs,
      });
    }
    const user = known ? await this.#d.users.byName(name) : undefined;
    const normal = normalisePassword(password);
    const ok = user === undefined ? await this.#d.hasher.verifyDummy(normal) : await this.#d.hasher.verify(normal, user.passwordHash);
    const data = { user: name.slice(0, 128), ...(source === undefined ? {} : { source }) };
    if (!ok || user === undefined) {
      const lockouts = admission.ticket.failed();
      await this.#d.audit.deny(actor, 'login', data);
      for (const lockout of lockouts) {
        await this.#d.audit.deny(actor, 'login.lockout', { ...data, scope: lockout.scope, failures: lockout.failures, lockMs: lockout.lockMs });
      }
      throw new KernelError('unauthenticated', WRONG);
    }
    admission.ticket.succeeded();
    if (this.#d.hasher.needsRehash(user.passwordHash)) {
      await this.#d.users.setPasswordHash(user.id, await this.#d.hasher.hash(normal), this.#iso());
    }
    await this.#d.audit.allow(actor, 'login', data);
    return viewOf(user);
  }

  /** The user's live capability set (their root; principals are narrowed from it). */
  capabilitiesOf(user: { readonly id: string; readonly name: string; readonly role: string }): CapabilitySet {
    return this.#d.live.root(user, () => CapabilitySet.of(userCapabilities(this.#d.roles, user)));
  }

  async #newUser(input: NewUser): Promise<UserRecord> {
    const name = checkUserName(input.name);
    userCapabilities(this.#d.roles, { name, role: input.role });
    const passwordHash = await this.#d.hasher.hash(acceptNewPassword(input.password, name));
    const now = this.#iso();
    return { id: randomId('u_'), name, role: input.role, passwordHash, createdAt: now, updatedAt: now };
  }

  async #require(name: string): Promise<UserRecord> {
    const user = await this.#d.users.byName(name);
    if (user === undefined) throw notFound(name);
    return user;
  }

  #iso(): string {
    return new Date(this.#d.now()).toISOString();
  }
}

function notFound(name: string): KernelError {
  return new KernelError('not_found', `no user named "${name}"; see auth.user.list`, { user: name });
}
