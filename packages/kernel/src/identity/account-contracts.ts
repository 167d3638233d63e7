/**
 * The account contracts of identity: users (`auth.user.add|list|remove|role` need `auth.admin`;
 * `auth.user.passwd` needs `auth.passwd` for oneself, with the current password, and `auth.admin` for
 * anyone else) and API tokens (`auth.token.create|list|revoke` need `auth.token` for one's own tokens and
 * `auth.admin` for anyone else's). Schemas only; identity-handlers.ts answers them.
 */
import { z } from 'zod';
import { defineContract } from '../contracts/contract.ts';
import { MAX_CAPABILITY_LENGTH } from '../security/capability.ts';
import { Password, UserName, UserSchema } from './auth-contracts.ts';
import { TOKEN_LIMITS } from './token-service.ts';
import { AUTH_ADMIN, CHANGE_OWN_PASSWORD, MANAGE_OWN_TOKENS } from './user-capabilities.ts';

const Role = z.string().min(1).max(64);
const TokenId = z.string().min(1).max(64);

export const TokenSchema = z.object({
  id: z.string(),
  owner: z.string(),
  name: z.string(),
  capabilities: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  lastUsedAt: z.string().optional(),
  expired: z.boolean(),
});

export const userAddContract = defineContract({
  topic: 'auth.user.add',
  summary: 'Add a user with a password (at least 12 characters) and a role (admin, user, viewer, …).',
  request: z.object({ name: UserName, password: Password, role: Role.optional() }).strict(),
  reply: z.object({ user: UserSchema }),
  capability: () => AUTH_ADMIN,
  idempotent: false,
});

export const userListContract = defineContract({
  topic: 'auth.user.list',
  summary: 'List users by name, a page at a time.',
  request: z.object({ limit: z.number().int().min(1).max(1000).optional(), after: UserName.optional() }).strict(),
  reply: z.object({ users: z.array(UserSchema) }),
  capability: () => AUTH_ADMIN,
  idempotent: true,
});

export const userRemoveContract = defineContract({
  topic: 'auth.user.remove',
  summary: 'Remove a user; their tokens and sessions stop working at once. The last admin cannot be removed.',
  request: z.object({ name: UserName }).strict(),
  reply: z.object({ removed: z.string() }),
  capability: () => AUTH_ADMIN,
  idempotent: false,
});

export const userRoleContract = defineContract({
  topic: 'auth.user.role',
  summary: "Change a user's role; their sessions and tokens continue with the new role's capabilities only.",
  request: z.object({ name: UserName, role: Role }).strict(),
  reply: z.object({ user: UserSchema }),
  capability: () => AUTH_ADMIN,
  idempotent: true,
});

export const userPasswdContract = defineContract({
  topic: 'auth.user.passwd',
  summary: "Change your password (give the current one), or, as an admin, anyone's; ends that user's browser sessions.",
  request: z.object({ name: UserName.optional(), currentPassword: Password.optional(), password: Password }).strict(),
  reply: z.object({ user: z.string(), sessionsEnded: z.number().int().nonnegative() }),
  capability: () => CHANGE_OWN_PASSWORD,
  idempotent: false,
});

export const tokenCreateContract = defineContract({
  topic: 'auth.token.create',
  summary: 'Create an API token holding a subset of your capabilities; the secret is shown only in this reply.',
  request: z
    .object({
      name: z.string().min(1).max(64),
      capabilities: z.array(z.string().min(1).max(MAX_CAPABILITY_LENGTH)).max(TOKEN_LIMITS.capabilities),
      expiresAt: z.iso.datetime({ offset: true }).optional(),
      /** Another user's name (admins only); default yourself. */
      owner: UserName.optional(),
    })
    .strict(),
  reply: z.object({ token: TokenSchema, secret: z.string() }),
  capability: () => MANAGE_OWN_TOKENS,
  idempotent: false,
});

export const tokenListContract = defineContract({
  topic: 'auth.token.list',
  summary: 'List your API tokens (never their secrets), or, as an admin, another user’s.',
  request: z.object({ owner: UserName.optional() }).strict(),
  reply: z.object({ tokens: z.array(TokenSchema) }),
  capability: () => MANAGE_OWN_TOKENS,
  idempotent: true,
});

export const tokenRevokeContract = defineContract({
  topic: 'auth.token.revoke',
  summary: 'Revoke an API token by id; it stops working at once.',
  request: z.object({ id: TokenId }).strict(),
  reply: z.object({ revoked: z.string() }),
  capability: () => MANAGE_OWN_TOKENS,
  idempotent: false,
});
