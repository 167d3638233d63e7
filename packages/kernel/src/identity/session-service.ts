/**
 * Browser sessions (DESIGN §5): a random session id for an httpOnly, SameSite=Strict cookie, plus a CSRF
 * token the page sends back in a header on every state-changing request. Only the id's SHA-256 is stored.
 * A session ends when idle for `idleMs`, after `absoluteMs` regardless, on logout, when its user's
 * password changes or the user is removed, and when the user opens more than `maxPerUser` (oldest first).
 */
import { KernelError } from '../contracts/errors.ts';
import { type Principal, makePrincipal } from '../security/principal.ts';
import type { IdentityAudit } from './identity-audit.ts';
import type { IdentityService } from './identity-service.ts';
import type { LiveGrants } from './live-grants.ts';
import type { Clock } from './login-throttle.ts';
import { constantTimeEqual, digest, hasShape, randomSecret, SESSION_PREFIX } from './secrets.ts';
import type { SessionRepository } from './session-repository.ts';
import type { UserRepository } from './user-repository.ts';

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  maxPerUser: number;
  /** `last_seen_at` is written at most this often per session. */
  touchEveryMs: number;
}

export const SESSION_POLICY: SessionPolicy = { idleMs: 12 * 3_600_000, absoluteMs: 7 * 24 * 3_600_000, maxPerUser: 32, touchEveryMs: 60_000 };

export interface NewSession {
  /** For the cookie (httpOnly, Secure, SameSite=Strict); never stored. */
  readonly sessionId: string;
  /** Sent back by the page in a header; checked with `checkCsrf`. */
  readonly csrfToken: string;
  readonly expiresAt: string;
}

export interface SessionAuth {
  readonly principal: Principal;
  readonly csrfToken: string;
}

export interface SessionServiceDeps {
  sessions: SessionRepository;
  users: UserRepository;
  identity: IdentityService;
  live: LiveGrants;
  audit: IdentityAudit;
  now: Clock;
  policy?: SessionPolicy;
}

/** True when the presented CSRF token is the session's (constant time; a missing one never matches). */
export function checkCsrf(session: SessionAuth, presented: string | undefined): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 256) return false;
  return constantTimeEqual(presented, session.csrfToken);
}

export class SessionService {
  readonly #d: SessionServiceDeps;
  readonly policy: SessionPolicy;

  constructor(deps: SessionServiceDeps) {
    this.#d = deps;
    this.policy = deps.policy ?? SESSION_POLICY;
  }

  /** Opens a session for an existing user (after a verified login). */
  async create(userName: string): Promise<NewSession> {
    const user = await this.#d.users.byName(userName);
    if (user === undefined) throw new KernelError('not_found', `no user named "${userName}"`, { user: userName });
    const now = this.#d.now();
    const sessionId = randomSecret(SESSION_PREFIX);
    const csrfToken = randomSecret();
    const expiresAt = new Date(now + this.policy.absoluteMs).toISOString();
    const iso = new Date(now).toISOString();
    await this.#d.sessions.insert({ idHash: digest(sessionId), userId: user.id, csrfToken, createdAt: iso, lastSeenAt: iso, expiresAt });
    for (const key of await this.#d.sessions.trimFor(user.id, this.policy.maxPerUser)) this.#d.live.end({ kind: 'session', key });
    return { sessionId, csrfToken, expiresAt };
  }

  /** The session's principal and CSRF token, or undefined when it is unknown, expired or ended. */
  async authenticate(sessionId: string): Promise<SessionAuth | undefined> {
    if (!hasShape(sessionId, SESSION_PREFIX)) return undefined;
    const key = digest(sessionId);
    const session = await this.#d.sessions.byIdHash(key);
    if (session === undefined) return undefined;
    const now = this.#d.now();
    const credential = { kind: 'session', key } as const;
    if (Date.parse(session.expiresAt) <= now || Date.parse(session.lastSeenAt) + this.policy.idleMs <= now) {
      await this.#d.sessions.remove(key);
      this.#d.live.end(credential);
      return undefined;
    }
    const root = this.#d.identity.capabilitiesOf({ id: session.userId, name: session.userName, role: session.userRole });
    let principal = this.#d.live.find(credential, session.userId);
    if (principal === undefined) {
      principal = makePrincipal('user', session.userName, root.narrow(root.list()));
      this.#d.live.remember(credential, session.userId, root, principal);
    }
    if (now - Date.parse(session.lastSeenAt) >= this.policy.touchEveryMs) await this.#d.sessions.touch(key, new Date(now).toISOString());
    return { principal, csrfToken: session.csrfToken };
  }

  /** Ends a session by its id (logout from a cookie); false when there was none. */
  async end(sessionId: string, by?: Principal): Promise<boolean> {
    if (!hasShape(sessionId, SESSION_PREFIX)) return false;
    return this.endByKey(digest(sessionId), by);
  }

  /** Ends a session by its stored key (what a principal issued for it knows). */
  async endByKey(key: string, by?: Principal): Promise<boolean> {
    const ended = await this.#d.sessions.remove(key);
    this.#d.live.end({ kind: 'session', key });
    if (ended && by !== undefined) await this.#d.audit.allow(by.id, 'session.end', {});
    return ended;
  }

  /** Deletes expired and idle sessions and revokes their principals; returns how many. */
  async purgeExpired(): Promise<number> {
    const now = this.#d.now();
    const keys = await this.#d.sessions.purgeExpired(new Date(now).toISOString(), new Date(now - this.policy.idleMs).toISOString());
    for (const key of keys) this.#d.live.end({ kind: 'session', key });
    return keys.length;
  }
}
