/**
 * Answers the `auth.*` contracts with the identity services. The registry has already checked each
 * contract's capability; what it cannot see from the payload alone is checked here: acting on another
 * user's account needs `auth.admin` (refused, and audited, otherwise), and changing one's own password
 * needs the current one. A login binds the calling connection to the new principal through `bind`.
 */
import { randomBytes } from 'node:crypto';
import type { CallContext } from '../contracts/contract.ts';
import { KernelError } from '../contracts/errors.ts';
import type { ContractRegistry } from '../contracts/registry.ts';
import { type Principal, makePrincipal } from '../security/principal.ts';
import {
  tokenCreateContract,
  tokenListContract,
  tokenRevokeContract,
  userAddContract,
  userListContract,
  userPasswdContract,
  userRemoveContract,
  userRoleContract,
} from './account-contracts.ts';
import { authLoginContract, authLogoutContract, authSetupContract, authWhoamiContract } from './auth-contracts.ts';
import type { AuthAction } from './identity-audit.ts';
import type { Identity } from './identity.ts';
import type { TokenView } from './token-service.ts';
import { AUTH_ADMIN } from './user-capabilities.ts';

export interface IdentityContractOptions {
  /** Binds the calling connection to the principal a login produced (the kernel passes the ingress's). */
  bind?: (clientId: string, principal: Principal) => void;
  /** The network address a connection comes from, for per-address login throttling. */
  sourceOf?: (clientId: string) => string | undefined;
}

const DAY_MS = 86_400_000;
const LOGIN_TOKEN_DAYS = 30;

/** The user a principal acts for: a user's own name, or a token's owner. */
export function userOf(principal: Principal): string | undefined {
  if (principal.kind === 'user') return principal.name;
  if (principal.kind === 'token' && principal.parentId?.startsWith('user:') === true) return principal.parentId.slice('user:'.length);
  return undefined;
}

function tokenOut(token: TokenView): Omit<TokenView, 'capabilities'> & { capabilities: string[] } {
  return { ...token, capabilities: [...token.capabilities] };
}

export function registerIdentityContracts(registry: ContractRegistry, identity: Identity, options: IdentityContractOptions = {}): void {
  const { users, tokens, sessions } = identity;
  const sourceOf = (context: CallContext): string | undefined => options.sourceOf?.(context.clientId);

  /** The account a call acts on: `named`, or the caller's own; someone else's needs `auth.admin`. */
  const account = async (context: CallContext, named: string | undefined, action: AuthAction): Promise<{ name: string; self: boolean }> => {
    const self = userOf(context.principal);
    const name = named ?? self;
    if (name === undefined) throw new KernelError('payload_invalid', 'name the user: this principal is not a user');
    if (name === self) return { name, self: true };
    if (context.principal.capabilities.implies(AUTH_ADMIN)) return { name, self: false };
    await identity.audit.deny(context.principal.id, action, { user: name, missing: AUTH_ADMIN });
    throw new KernelError('permission_denied', `acting on another user's account needs ${AUTH_ADMIN}`, { missing: AUTH_ADMIN });
  };

  registry.register(authSetupContract, async ({ token, user, password }) => ({
    user: await identity.setup.complete({ token, user, password }),
  }));

  registry.register(authLoginContract, async (payload, context) => {
    const user = await users.verifyLogin(payload.user, payload.password, sourceOf(context));
    if (payload.as === 'token') {
      const root = users.capabilitiesOf(user);
      const expiresAt = new Date(identity.now() + (payload.expiresInDays ?? LOGIN_TOKEN_DAYS) * DAY_MS);
      const stamp = new Date(identity.now()).toISOString().replace(/[-:]|\.\d+Z$/g, '');
      const name = `login-${stamp}-${randomBytes(3).toString('hex')}`;
      const created = await tokens.create({ owner: user.name, name, capabilities: root.list(), expiresAt }, makePrincipal('user', user.name, root));
      const principal = await tokens.authenticate(created.secret);
      if (principal === undefined) throw new KernelError('internal_error', 'a token created for a login did not authenticate');
      options.bind?.(context.clientId, principal);
      return { user, principal: principal.id, token: { id: created.token.id, secret: created.secret, expiresAt: expiresAt.toISOString() } };
    }
    const session = await sessions.create(user.name);
    const auth = await sessions.authenticate(session.sessionId);
    if (auth === undefined) throw new KernelError('internal_error', 'a session created for a login did not authenticate');
    options.bind?.(context.clientId, auth.principal);
    return { user, principal: auth.principal.id, session };
  });

  registry.register(authLogoutContract, async (_payload, { principal }) => {
    const credential = identity.live.credentialOf(principal);
    let ended = false;
    if (credential?.kind === 'session') ended = await sessions.endByKey(credential.key, principal);
    if (credential?.kind === 'token') {
      await tokens.revoke(credential.key, principal);
      ended = true;
    }
    await identity.audit.allow(principal.id, 'logout', { ended });
    return { ended };
  });

  registry.register(authWhoamiContract, async (_payload, { principal }) => {
    const name = userOf(principal);
    const role = name === undefined ? undefined : (await users.getUser(name))?.role;
    return {
      principal: principal.id,
      kind: principal.kind,
      ...(name === undefined ? {} : { user: name }),
      ...(role === undefined ? {} : { role }),
      ...(principal.kind === 'token' ? { tokenId: principal.name } : {}),
      capabilities: principal.capabilities.list(),
    };
  });

  registry.register(userAddContract, async ({ name, password, role }, { principal }) => ({
    user: await users.createUser({ name, password, role: role ?? 'user' }, principal),
  }));
  registry.register(userListContract, async ({ limit, after }) => ({
    users: await users.listUsers({ ...(limit === undefined ? {} : { limit }), ...(after === undefined ? {} : { after }) }),
  }));
  registry.register(userRemoveContract, async ({ name }, { principal }) => {
    await users.removeUser(name, principal);
    return { removed: name };
  });
  registry.register(userRoleContract, async ({ name, role }, { principal }) => ({ user: await users.setRole(name, role, principal) }));

  registry.register(userPasswdContract, async (payload, context) => {
    const target = await account(context, payload.name, 'user.passwd');
    if (target.self && !context.principal.capabilities.implies(AUTH_ADMIN)) {
      if (payload.currentPassword === undefined) throw new KernelError('payload_invalid', 'give currentPassword to change your own password');
      try {
        await users.verifyLogin(target.name, payload.currentPassword, sourceOf(context));
      } catch (error) {
        if (error instanceof KernelError && error.code === 'unauthenticated') {
          throw new KernelError('permission_denied', 'the current password is wrong');
        }
        throw error;
      }
    }
    const { sessionsEnded } = await users.setPassword(target.name, payload.password, context.principal);
    return { user: target.name, sessionsEnded };
  });

  registry.register(tokenCreateContract, async (payload, context) => {
    const { name: owner } = await account(context, payload.owner, 'token.create');
    const expiresAt = payload.expiresAt === undefined ? undefined : new Date(payload.expiresAt);
    const created = await tokens.create(
      { owner, name: payload.name, capabilities: payload.capabilities, ...(expiresAt === undefined ? {} : { expiresAt }) },
      context.principal,
    );
    return { token: tokenOut(created.token), secret: created.secret };
  });

  registry.register(tokenListContract, async (payload, context) => {
    const { name: owner } = await account(context, payload.owner, 'token.list');
    return { tokens: (await tokens.list(owner)).map(tokenOut) };
  });

  registry.register(tokenRevokeContract, async ({ id }, context) => {
    const owner = await tokens.ownerOf(id);
    const notFound = new KernelError('not_found', `no token with id "${id}"; see auth.token.list`, { id });
    if (owner === undefined) throw notFound;
    try {
      await account(context, owner, 'token.revoke');
    } catch (error) {
      // Someone else's token: say it does not exist rather than that it does.
      if (error instanceof KernelError && error.code === 'permission_denied') throw notFound;
      throw error;
    }
    await tokens.revoke(id, context.principal);
    return { revoked: id };
  });
}
