/**
 * `aether user add|list|remove|passwd`. With a daemon running they are `auth.user.*` calls (as the
 * logged-in user, or as the operator through the local socket). `user add` also works with no daemon,
 * straight on the data directory — the way to make an admin on a fresh host.
 */
import type { CliContext } from '../context.ts';
import { usage } from '../errors.ts';
import { readPassword, stdinLines } from '../prompt.ts';

export interface UserFlags {
  role?: string | undefined;
  admin?: boolean | undefined;
  'password-stdin'?: boolean | undefined;
}

interface UserView {
  name: string;
  role: string;
  createdAt: string;
}

export async function userAdd(ctx: CliContext, name: string, flags: UserFlags): Promise<void> {
  if (flags.admin === true && flags.role !== undefined && flags.role !== 'admin') throw usage('--admin and --role disagree');
  const role = flags.admin === true ? 'admin' : (flags.role ?? 'user');
  const password = await readPassword(`password for ${name}: `, flags['password-stdin'] === true);
  const running = ctx.options.url !== undefined || (await ctx.discovery()) !== undefined;
  const user = running
    ? ((await ctx.withCaller((caller) => caller.call('auth.user.add', { name, password, role }))).user as UserView)
    : await (await import('./offline.ts')).withOfflineKernel(ctx.options.dataDir, (kernel) => kernel.identity.users.createUser({ name, password, role }));
  ctx.print({ user }, `added ${user.name} (${user.role})${running ? '' : ` directly in ${ctx.options.dataDir}`}`);
}

export async function userList(ctx: CliContext): Promise<void> {
  const users = (await ctx.withCaller((caller) => caller.call('auth.user.list'))).users as UserView[];
  ctx.print({ users }, users.length === 0 ? 'no users' : table(['NAME', 'ROLE', 'CREATED'], users.map((u) => [u.name, u.role, u.createdAt])));
}

export async function userRemove(ctx: CliContext, name: string): Promise<void> {
  await ctx.withCaller((caller) => caller.call('auth.user.remove', { name }));
  ctx.print({ removed: name }, `removed ${name}; their tokens and sessions no longer work`);
}

/**
 * Sets a password: your own (give the current one too; with --password-stdin, current then new on two
 * lines) or, naming the user, anyone's as an admin or the operator.
 */
export async function userPasswd(ctx: CliContext, name: string | undefined, flags: UserFlags): Promise<void> {
  const own = name === undefined;
  let currentPassword: string | undefined;
  let password: string;
  if (flags['password-stdin'] === true) {
    const lines = await stdinLines();
    [currentPassword, password] = own ? [lines[0] ?? '', lines[1] ?? ''] : [undefined, lines[0] ?? ''];
  } else {
    if (own) currentPassword = await readPassword('current password: ', false);
    password = await readPassword('new password: ', false);
  }
  const reply = await ctx.withCaller((caller) =>
    caller.call('auth.user.passwd', { ...(own ? {} : { name }), ...(currentPassword === undefined ? {} : { currentPassword }), password }),
  );
  ctx.print(reply, `password of ${String(reply.user)} changed; ${String(reply.sessionsEnded)} browser session(s) ended`);
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
