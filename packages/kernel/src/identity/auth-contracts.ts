/**
 * The session contracts of identity: `auth.setup` and `auth.login` (public: callable before
 * authentication), `auth.logout` and `auth.whoami`. Schemas only; identity-handlers.ts answers them.
 */
import { z } from 'zod';
import { defineContract } from '../contracts/contract.ts';
import { PASSWORD_MAX_WIRE_LENGTH } from './password-policy.ts';
import { MAX_SECRET_LENGTH } from './secrets.ts';
import { WHOAMI } from './user-capabilities.ts';

export const UserName = z.string().min(1).max(64);
/** Login names are bounded but not pattern-checked here: a malformed name must fail like a wrong one. */
export const LoginName = z.string().min(1).max(128);
export const Password = z.string().min(1).max(PASSWORD_MAX_WIRE_LENGTH);

export const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const authSetupContract = defineContract({
  topic: 'auth.setup',
  summary: 'Create the first admin with the one-time setup token aetherd printed on first start.',
  request: z.object({ token: z.string().min(1).max(MAX_SECRET_LENGTH), user: UserName, password: Password }).strict(),
  reply: z.object({ user: UserSchema }),
  capability: () => null,
  idempotent: false,
  public: true,
});

export const authLoginContract = defineContract({
  topic: 'auth.login',
  summary: 'Log in with a user name and password; returns a browser session or an API token and binds this connection.',
  request: z
    .object({
      user: LoginName,
      password: Password,
      /** `session` (default) for a browser cookie; `token` for the CLI and programs. */
      as: z.enum(['session', 'token']).optional(),
      /** Lifetime of a login token, in days (default 30). */
      expiresInDays: z.number().int().min(1).max(365).optional(),
    })
    .strict(),
  reply: z.object({
    user: UserSchema,
    principal: z.string(),
    session: z.object({ sessionId: z.string(), csrfToken: z.string(), expiresAt: z.string() }).optional(),
    token: z.object({ id: z.string(), secret: z.string(), expiresAt: z.string() }).optional(),
  }),
  capability: () => null,
  idempotent: false,
  public: true,
});

export const authLogoutContract = defineContract({
  topic: 'auth.logout',
  summary: 'End the session or revoke the token this call is authenticated with.',
  request: z.object({}).strict(),
  reply: z.object({ ended: z.boolean() }),
  capability: () => WHOAMI,
  idempotent: true,
});

export const authWhoamiContract = defineContract({
  topic: 'auth.whoami',
  summary: 'Who this connection acts as: principal, user, role and capabilities.',
  request: z.object({}).strict(),
  reply: z.object({
    principal: z.string(),
    kind: z.string(),
    user: z.string().optional(),
    role: z.string().optional(),
    tokenId: z.string().optional(),
    capabilities: z.array(z.string()),
  }),
  capability: () => WHOAMI,
  idempotent: true,
});
