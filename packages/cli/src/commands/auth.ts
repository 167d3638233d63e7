/**
 * `aether setup` (first admin from the one-time setup token), `aether login` (a login token stored
 * 0600 for this daemon) and `aether logout` (revokes it and forgets it).
 */
import { sdkCaller } from '../callers.ts';
import type { CliContext } from '../context.ts';
import { forgetCredential, readCredential, storeCredential } from '../credentials.ts';
import { CliError, usage } from '../errors.ts';
import { readPassword } from '../prompt.ts';

export interface AuthFlags {
  token?: string | undefined;
  user?: string | undefined;
  'password-stdin'?: boolean | undefined;
  days?: string | undefined;
}

export async function setup(ctx: CliContext, flags: AuthFlags): Promise<void> {
  const token = flags.token;
  const user = flags.user;
  if (token === undefined || user === undefined) throw usage('setup needs --token and --user', 'the token is the one aetherd printed on first start (also in <data dir>/setup-token)');
  const password = await readPassword(`password for ${user}: `, flags['password-stdin'] === true);
  const running = ctx.options.url !== undefined || (await ctx.discovery()) !== undefined;
  if (running) {
    const caller = await sdkCaller(await ctx.url(), undefined);
    try {
      await caller.call('auth.setup', { token, user, password });
    } finally {
      caller.close();
    }
  } else {
    await (await import('./offline.ts')).withOfflineKernel(ctx.options.dataDir, (kernel) => kernel.identity.setup.complete({ token, user, password }));
  }
  ctx.print({ user, role: 'admin' }, [`created the first admin, ${user}`, 'next: `aether login --user ' + user + '`']);
}

export async function login(ctx: CliContext, flags: AuthFlags): Promise<void> {
  const user = flags.user ?? ctx.env.USER;
  if (user === undefined) throw usage('login needs --user');
  const days = flags.days === undefined ? undefined : Number(flags.days);
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 365)) throw usage('--days must be a whole number from 1 to 365');
  const password = await readPassword(`password for ${user}: `, flags['password-stdin'] === true);
  const url = await ctx.url();
  const caller = await sdkCaller(url, undefined);
  let reply: Record<string, unknown>;
  try {
    reply = await caller.call('auth.login', { user, password, as: 'token', ...(days === undefined ? {} : { expiresInDays: days }) });
  } finally {
    caller.close();
  }
  const issued = reply.token as { id: string; secret: string; expiresAt: string } | undefined;
  if (issued === undefined) throw new CliError(1, 'the daemon did not issue a login token');
  await storeCredential(ctx.credentialsFile, { url, user, token: issued.secret, tokenId: issued.id, expiresAt: issued.expiresAt });
  ctx.print({ user, url, principal: reply.principal, expiresAt: issued.expiresAt, credentials: ctx.credentialsFile }, [
    `logged in to ${url} as ${user} (until ${issued.expiresAt})`,
    `credential stored in ${ctx.credentialsFile} (mode 0600)`,
  ]);
}

export async function logout(ctx: CliContext): Promise<void> {
  const url = await ctx.url();
  const credential = await readCredential(ctx.credentialsFile, url);
  if (credential === undefined) {
    ctx.print({ url, loggedOut: false }, `not logged in to ${url}`);
    return;
  }
  let revoked = false;
  try {
    const caller = await sdkCaller(url, credential.token);
    try {
      revoked = (await caller.call('auth.logout')).ended === true;
    } finally {
      caller.close();
    }
  } catch {
    // An expired or already revoked token cannot be revoked again; forgetting it is all that is left.
  }
  await forgetCredential(ctx.credentialsFile, url);
  ctx.print({ url, loggedOut: true, revoked }, `logged out of ${url}${revoked ? '' : ' (the token was no longer valid)'}`);
}
