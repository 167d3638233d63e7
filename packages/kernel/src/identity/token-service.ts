/**
 * API tokens (DESIGN §5): `aet_<256 random bits>`, shown once at creation and stored as SHA-256 only.
 * A token's capabilities are narrowed from its owner's — and from its creator's, when a token creates a
 * token — so asking for more is `permission_denied`. Each use re-reads the token and its owner, so a
 * revoked or expired token, or a removed owner, stops working at once; a downgraded owner's token keeps
 * only what the owner still holds. Every token principal also holds `auth.whoami`.
 */
import { KernelError } from '../contracts/errors.ts';
import { type Principal, SYSTEM, makePrincipal } from '../security/principal.ts';
import type { IdentityAudit } from './identity-audit.ts';
import type { IdentityService } from './identity-service.ts';
import type { LiveGrants } from './live-grants.ts';
import type { Clock } from './login-throttle.ts';
import { digest, hasShape, randomId, randomSecret, TOKEN_PREFIX } from './secrets.ts';
import type { OwnedToken, TokenRecord, TokenRepository } from './token-repository.ts';
import { WHOAMI } from './user-capabilities.ts';
import type { UserRepository } from './user-repository.ts';

export interface TokenView {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  readonly capabilities: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string | undefined;
  readonly lastUsedAt: string | undefined;
  readonly expired: boolean;
}

export interface NewToken {
  /** The owner's user name. */
  owner: string;
  name: string;
  capabilities: readonly string[];
  expiresAt?: Date;
}

export const TOKEN_LIMITS = { perUser: 100, capabilities: 256, touchEveryMs: 60_000 } as const;
export const TOKEN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface TokenServiceDeps {
  tokens: TokenRepository;
  users: UserRepository;
  identity: IdentityService;
  live: LiveGrants;
  audit: IdentityAudit;
  now: Clock;
}

export class TokenService {
  readonly #d: TokenServiceDeps;

  constructor(deps: TokenServiceDeps) {
    this.#d = deps;
  }

  /** Creates a token and returns its secret — the only time the secret exists outside the caller. */
  async create(input: NewToken, by: Principal = SYSTEM): Promise<{ token: TokenView; secret: string }> {
    if (!TOKEN_NAME.test(input.name)) throw new KernelError('payload_invalid', 'a token name is 1–64 letters, digits and . _ -');
    if (input.capabilities.length > TOKEN_LIMITS.capabilities) {
      throw new KernelError('payload_invalid', `a token holds at most ${TOKEN_LIMITS.capabilities} capabilities`);
    }
    const now = this.#d.now();
    if (input.expiresAt !== undefined && !(input.expiresAt.getTime() > now)) {
      throw new KernelError('payload_invalid', 'expiresAt must be in the future');
    }
    const owner = await this.#d.users.byName(input.owner);
    if (owner === undefined) throw new KernelError('not_found', `no user named "${input.owner}"`, { user: input.owner });
    let capabilities: string[];
    try {
      // Both must be able to give it: the owner (a token never exceeds its user) and whoever asks.
      capabilities = this.#d.identity.capabilitiesOf(owner).narrow(input.capabilities).list();
      by.capabilities.narrow(capabilities);
    } catch (error) {
      if (error instanceof KernelError && error.code === 'permission_denied') {
        await this.#d.audit.deny(by.id, 'token.create', { owner: owner.name, name: input.name, ...(error.details ?? {}) });
      }
      throw error;
    }
    if ((await this.#d.tokens.countFor(owner.id)) >= TOKEN_LIMITS.perUser) {
      throw new KernelError('resource_exceeded', `a user may hold at most ${TOKEN_LIMITS.perUser} tokens; revoke some first`, { limit: TOKEN_LIMITS.perUser });
    }
    const secret = randomSecret(TOKEN_PREFIX);
    const record: TokenRecord = {
      id: randomId('tok_'),
      userId: owner.id,
      name: input.name,
      secretHash: digest(secret),
      capabilities,
      createdAt: new Date(now).toISOString(),
      expiresAt: input.expiresAt?.toISOString(),
      lastUsedAt: undefined,
    };
    await this.#d.tokens.insert(record);
    await this.#d.audit.allow(by.id, 'token.create', { owner: owner.name, token: record.id, name: record.name, capabilities, expiresAt: record.expiresAt ?? null });
    return { token: this.#view(record, owner.name, now), secret };
  }

  async list(owner: string): Promise<TokenView[]> {
    const user = await this.#d.users.byName(owner);
    if (user === undefined) throw new KernelError('not_found', `no user named "${owner}"`, { user: owner });
    const now = this.#d.now();
    return (await this.#d.tokens.listFor(user.id)).map((token) => this.#view(token, user.name, now));
  }

  /** The owner of a token id (undefined when there is no such token). */
  async ownerOf(id: string): Promise<string | undefined> {
    const token = await this.#d.tokens.byId(id);
    if (token === undefined) return undefined;
    return (await this.#d.users.byId(token.userId))?.name;
  }

  /** Revokes a token: it stops working at once, on every connection using it. */
  async revoke(id: string, by: Principal = SYSTEM): Promise<void> {
    const owner = await this.ownerOf(id);
    if (!(await this.#d.tokens.remove(id))) throw new KernelError('not_found', `no token with id "${id}"`, { id });
    this.#d.live.end({ kind: 'token', key: id });
    await this.#d.audit.allow(by.id, 'token.revoke', { token: id, owner: owner ?? null });
  }

  /** The principal a presented secret stands for, or undefined (unknown, revoked, expired, malformed). */
  async authenticate(secret: string): Promise<Principal | undefined> {
    if (!hasShape(secret, TOKEN_PREFIX)) return undefined;
    const token = await this.#d.tokens.bySecretHash(digest(secret));
    if (token === undefined) return undefined;
    const now = this.#d.now();
    const credential = { kind: 'token', key: token.id } as const;
    if (isExpired(token, now)) {
      this.#d.live.end(credential);
      return undefined;
    }
    const root = this.#d.identity.capabilitiesOf({ id: token.userId, name: token.userName, role: token.userRole });
    let principal = this.#d.live.find(credential, token.userId);
    if (principal === undefined) {
      // What the owner no longer holds (a downgrade since creation) is dropped, never escalated.
      const kept = [...token.capabilities, WHOAMI].filter((capability) => root.implies(capability));
      principal = makePrincipal('token', token.id, root.narrow(kept), `user:${token.userName}`);
      this.#d.live.remember(credential, token.userId, root, principal);
    }
    await this.#touch(token, now);
    return principal;
  }

  /** Deletes expired tokens and revokes their principals; returns how many. */
  async purgeExpired(): Promise<number> {
    const ids = await this.#d.tokens.purgeExpired(new Date(this.#d.now()).toISOString());
    for (const id of ids) this.#d.live.end({ kind: 'token', key: id });
    return ids.length;
  }

  async #touch(token: OwnedToken, now: number): Promise<void> {
    const last = token.lastUsedAt === undefined ? 0 : Date.parse(token.lastUsedAt);
    if (now - last >= TOKEN_LIMITS.touchEveryMs) await this.#d.tokens.touch(token.id, new Date(now).toISOString());
  }

  #view(token: TokenRecord, owner: string, now: number): TokenView {
    return {
      id: token.id,
      owner,
      name: token.name,
      capabilities: token.capabilities,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      lastUsedAt: token.lastUsedAt,
      expired: isExpired(token, now),
    };
  }
}

function isExpired(token: TokenRecord, now: number): boolean {
  return token.expiresAt !== undefined && Date.parse(token.expiresAt) <= now;
}
