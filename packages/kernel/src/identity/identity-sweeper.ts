/**
 * Periodic identity housekeeping. It deletes expired sessions and tokens, and re-checks every principal
 * this node has handed out against the database: a session or token ended, or a user removed or re-roled,
 * through *another* kernel node (scale-out, DESIGN §10) is revoked here within one interval. On a single
 * node every such change already revokes at once; this is the bound for the others.
 */
import type { Logger } from '../observability/logger.ts';
import type { LiveGrants } from './live-grants.ts';
import type { Clock } from './login-throttle.ts';
import type { SessionRepository } from './session-repository.ts';
import type { SessionService } from './session-service.ts';
import type { TokenRepository } from './token-repository.ts';
import type { TokenService } from './token-service.ts';
import type { UserRepository } from './user-repository.ts';

export interface SweepResult {
  purged: number;
  revoked: number;
}

export interface IdentitySweeperDeps {
  tokens: TokenService;
  sessions: SessionService;
  tokenRows: TokenRepository;
  sessionRows: SessionRepository;
  users: UserRepository;
  live: LiveGrants;
  now: Clock;
  logger?: Logger;
  /** Default 30 s. */
  intervalMs?: number;
}

export class IdentitySweeper {
  readonly #d: IdentitySweeperDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<SweepResult> | undefined;

  constructor(deps: IdentitySweeperDeps) {
    this.#d = deps;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.#d.logger?.warn({ err: error }, 'identity sweep failed'));
    }, this.#d.intervalMs ?? 30_000);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One pass (never two at once). */
  sweep(): Promise<SweepResult> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<SweepResult> {
    const purged = (await this.#d.sessions.purgeExpired()) + (await this.#d.tokens.purgeExpired());
    return { purged, revoked: await this.#revalidate() };
  }

  async #revalidate(): Promise<number> {
    const { live } = this.#d;
    const { credentials, users } = live.snapshot();
    let revoked = 0;
    const roles = await this.#d.users.roles(users.map((user) => user.id));
    for (const user of users) {
      if (roles.get(user.id) !== user.role) {
        live.endUser(user.id);
        revoked++;
      }
    }
    const sessionKeys = credentials.filter((c) => c.kind === 'session').map((c) => c.key);
    const tokenIds = credentials.filter((c) => c.kind === 'token').map((c) => c.key);
    const sessions = await this.#d.sessionRows.existing(sessionKeys);
    const tokens = await this.#d.tokenRows.existing(tokenIds, new Date(this.#d.now()).toISOString());
    for (const key of sessionKeys.filter((k) => !sessions.has(k))) {
      live.end({ kind: 'session', key });
      revoked++;
    }
    for (const key of tokenIds.filter((k) => !tokens.has(k))) {
      live.end({ kind: 'token', key });
      revoked++;
    }
    return revoked;
  }
}
