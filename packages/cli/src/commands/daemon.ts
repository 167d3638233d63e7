/**
 * `aether status`: is a daemon serving this data directory, is it healthy, and who am I to it.
 */
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';

export async function status(ctx: CliContext): Promise<void> {
  const found = ctx.options.url === undefined ? await ctx.discovery() : undefined;
  const url = await ctx.url();
  const health = await fetch(`${url}/health`).then((r) => r.status === 200, () => false);
  if (!health) throw new CliError(1, `aetherd at ${url} does not answer /health`, 'start it with `aether start`, or check --url');
  let kernel: Record<string, unknown> | undefined;
  let whoami: Record<string, unknown> | undefined;
  let via = '';
  try {
    await ctx.withCaller(async (caller) => {
      via = caller.via;
      whoami = await caller.call('auth.whoami').catch(() => undefined);
      kernel = await caller.call('kernel.status');
    });
  } catch {
    // Not allowed to see the kernel's status: health alone is reported.
  }
  const services = Array.isArray(kernel?.services) ? (kernel.services as Array<{ name: string; healthy: boolean }>) : [];
  ctx.print({ url, pid: found?.pid, version: found?.version, healthy: true, kernel, whoami }, [
    `aetherd ${found?.version ?? ''} at ${url}${found === undefined ? '' : ` (pid ${found.pid})`}: healthy`,
    ...(kernel === undefined ? ['kernel status: not visible with these credentials (aether login)'] : [`services: ${services.map((s) => `${s.name} ${s.healthy ? 'ok' : 'UNHEALTHY'}`).join(', ')}`]),
    `you are: ${describe(whoami)} via ${via}`,
  ]);
}

function describe(whoami: Record<string, unknown> | undefined): string {
  if (whoami === undefined) return 'the local operator, or nobody';
  const principal = typeof whoami.principal === 'string' ? whoami.principal : '?';
  const role = typeof whoami.role === 'string' ? `${whoami.role}, ` : '';
  return typeof whoami.user === 'string' ? `${whoami.user} (${role}${principal})` : principal;
}
