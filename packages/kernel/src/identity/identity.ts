/**
 * The identity domain assembled for the composition root: users and logins, API tokens, browser
 * sessions, first-run setup, the Authenticator the transport uses, and the housekeeping sweeper. Every
 * part shares one database, one clock, one audit sink and one registry of live grants.
 */
import type { Logger } from '../observability/logger.ts';
import { Roles } from '../security/roles.ts';
import type { Database } from '../store/database.ts';
import { type Authenticator, createAuthenticator } from './authenticator.ts';
import { type AuditSink, IdentityAudit } from './identity-audit.ts';
import { IdentityService } from './identity-service.ts';
import { IdentitySweeper } from './identity-sweeper.ts';
import { LiveGrants } from './live-grants.ts';
import { type Clock, LoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';
import { PasswordHasher, type PasswordHasherOptions } from './password-hasher.ts';
import { SessionRepository } from './session-repository.ts';
import { type SessionPolicy, SessionService } from './session-service.ts';
import { SetupToken } from './setup-token.ts';
import { TokenRepository } from './token-repository.ts';
import { TokenService } from './token-service.ts';
import { UserRepository } from './user-repository.ts';

export interface IdentityOptions {
  /** A store whose schema includes migration 003-identity. */
  database: Database;
  /** The kernel's AuditLog. */
  audit: AuditSink;
  /** Where `setup-token` is written. */
  dataDir: string;
  roles?: Roles;
  /** Milliseconds since the epoch; tests pass a settable clock. */
  now?: Clock;
  sessions?: SessionPolicy;
  throttle?: Omit<LoginThrottleOptions, 'now'>;
  hasher?: PasswordHasherOptions;
  sweepIntervalMs?: number;
  logger?: Logger;
}

export interface Identity {
  readonly users: IdentityService;
  readonly tokens: TokenService;
  readonly sessions: SessionService;
  readonly setup: SetupToken;
  readonly authenticator: Authenticator;
  readonly sweeper: IdentitySweeper;
  /** Registry of handed-out principals: what a principal stands for (logout uses it). */
  readonly live: LiveGrants;
  readonly audit: IdentityAudit;
  readonly now: Clock;
}

export function createIdentity(options: IdentityOptions): Identity {
  const now = options.now ?? Date.now;
  const userRows = new UserRepository(options.database);
  const tokenRows = new TokenRepository(options.database);
  const sessionRows = new SessionRepository(options.database);
  const live = new LiveGrants();
  const audit = new IdentityAudit(options.audit);
  const users = new IdentityService({
    users: userRows,
    sessions: sessionRows,
    hasher: new PasswordHasher(options.hasher),
    throttle: new LoginThrottle({ ...options.throttle, now }),
    roles: options.roles ?? new Roles(),
    live,
    audit,
    now,
  });
  const tokens = new TokenService({ tokens: tokenRows, users: userRows, identity: users, live, audit, now });
  const sessions = new SessionService({
    sessions: sessionRows,
    users: userRows,
    identity: users,
    live,
    audit,
    now,
    ...(options.sessions === undefined ? {} : { policy: options.sessions }),
  });
  const sweeper = new IdentitySweeper({
    tokens,
    sessions,
    tokenRows,
    sessionRows,
    users: userRows,
    live,
    now,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.sweepIntervalMs === undefined ? {} : { intervalMs: options.sweepIntervalMs }),
  });
  return {
    users,
    tokens,
    sessions,
    setup: new SetupToken({ dataDir: options.dataDir, identity: users, audit }),
    authenticator: createAuthenticator(tokens, sessions),
    sweeper,
    live,
    audit,
    now,
  };
}
