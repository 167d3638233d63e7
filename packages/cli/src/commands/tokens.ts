/**
 * `aether token create|list|revoke`: API tokens holding a subset of your capabilities. The secret is
 * printed once, at creation; the daemon keeps only its hash.
 */
import type { CliContext } from '../context.ts';
import { usage } from '../errors.ts';
import { table } from './users.ts';

export interface TokenFlags {
  cap?: string[] | undefined;
  days?: string | undefined;
  owner?: string | undefined;
}

interface TokenView {
  id: string;
  owner: string;
  name: string;
  capabilities: string[];
  expiresAt?: string;
  expired: boolean;
}

export async function tokenCreate(ctx: CliContext, name: string, flags: TokenFlags): Promise<void> {
  const capabilities = flags.cap ?? [];
  if (capabilities.length === 0) throw usage('say what the token may do with --cap (repeatable), e.g. --cap kernel.status --cap "fs.read:/home/alice/**"');
  const days = flags.days === undefined ? undefined : Number(flags.days);
  if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) throw usage('--days must be a whole number from 1 to 3650');
  const payload = {
    name,
    capabilities,
    ...(days === undefined ? {} : { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() }),
    ...(flags.owner === undefined ? {} : { owner: flags.owner }),
  };
  const reply = await ctx.withCaller((caller) => caller.call('auth.token.create', payload));
  const token = reply.token as TokenView;
  ctx.print({ token, secret: reply.secret }, [
    `created token ${token.id} (${token.name}) holding ${token.capabilities.join(', ')}`,
    `secret (shown only now): ${String(reply.secret)}`,
    'use it as AETHER_TOKEN=… or Authorization: Bearer …',
  ]);
}

export async function tokenList(ctx: CliContext, flags: TokenFlags): Promise<void> {
  const reply = await ctx.withCaller((caller) => caller.call('auth.token.list', flags.owner === undefined ? {} : { owner: flags.owner }));
  const tokens = reply.tokens as TokenView[];
  ctx.print(
    { tokens },
    tokens.length === 0 ? 'no tokens' : table(['ID', 'NAME', 'EXPIRES', 'CAPABILITIES'], tokens.map((t) => [t.id, t.name, t.expired ? 'expired' : (t.expiresAt ?? 'never'), t.capabilities.join(',')])),
  );
}

export async function tokenRevoke(ctx: CliContext, id: string): Promise<void> {
  await ctx.withCaller((caller) => caller.call('auth.token.revoke', { id }));
  ctx.print({ revoked: id }, `revoked ${id}; it no longer works`);
}
