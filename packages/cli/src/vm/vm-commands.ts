/**
 * `aether vm run <file.wasm> [args…]` (a local module is uploaded to your home first; `vfs:PATH` runs one
 * already there), `aether vm run --sandbox <cmd> [args…]` (an argv, never a shell string unless `--shell`
 * says so), `aether vm ps` and `aether vm kill <id>`.
 */
import { clientCaller } from '../callers.ts';
import type { CliContext } from '../context.ts';
import { usage } from '../errors.ts';
import { VfsPaths } from '../fs/vfs-paths.ts';
import { serverChunkBytes } from '../fs/transfer.ts';
import { table } from '../commands/users.ts';
import { terminalSize } from './local-input.ts';
import { type LimitFlags, limitsOf, parseEnv } from './vm-options.ts';
import { runSession } from './vm-session.ts';
import { moduleInVfs } from './wasm-module.ts';

export interface VmRunFlags extends LimitFlags {
  sandbox: boolean;
  shell: boolean;
  net: boolean;
  tty: boolean;
  noStdin: boolean;
  cwd?: string | undefined;
  env: string[];
}

export async function vmRun(ctx: CliContext, argv: readonly string[], flags: VmRunFlags): Promise<number> {
  const [program, ...args] = argv as [string, ...string[]];
  if (flags.shell && !flags.sandbox) throw usage('--shell runs a shell command line, which only a sandbox can: add --sandbox');
  if (flags.tty && process.stdin.isTTY !== true) throw usage('--tty needs a terminal on standard input', 'run it from a terminal, or leave --tty out');
  if (flags.tty && flags.noStdin) throw usage('--tty and --no-stdin disagree');
  const limits = limitsOf(flags);
  const env = parseEnv(flags.env, ctx.env);
  const stdin = !flags.noStdin;
  const url = await ctx.url();
  const client = await ctx.streamingClient('vm run');
  try {
    const caller = clientCaller(client, url);
    const cwd = flags.cwd === undefined ? undefined : await new VfsPaths(caller).resolve(flags.cwd);
    const target = flags.sandbox
      ? { backend: 'sandbox', command: flags.shell ? ['/bin/sh', '-c', program, 'sh', ...args] : [program, ...args] }
      : { backend: 'wasi', program: await moduleInVfs(caller, program, () => serverChunkBytes(url)), args };
    const request = {
      ...target,
      env,
      keepStdinOpen: stdin,
      ...(Object.keys(limits).length === 0 ? {} : { limits }),
      ...(cwd === undefined ? {} : { cwd }),
      ...(flags.net ? { net: true } : {}),
      ...(flags.tty ? { tty: terminalSize(process.stdout) } : {}),
    };
    return await runSession(client, ctx.io, { request, stdin, tty: flags.tty });
  } finally {
    client.close();
  }
}

interface VmView {
  vmId: string;
  backend: string;
  argv: string[];
  state: string;
  startedAt: string;
  owner: string;
}

export async function vmPs(ctx: CliContext): Promise<void> {
  const vms = (await ctx.withCaller((caller) => caller.call('vm.list'))).vms as VmView[];
  ctx.print(
    { vms },
    vms.length === 0 ? 'no vms running' : table(['VM', 'BACKEND', 'STATE', 'STARTED', 'OWNER', 'COMMAND'], vms.map((v) => [v.vmId, v.backend, v.state, v.startedAt, v.owner, v.argv.join(' ')])),
  );
}

export async function vmKill(ctx: CliContext, vmId: string): Promise<void> {
  await ctx.withCaller((caller) => caller.call('vm.kill', { vmId }));
  ctx.print({ killed: vmId }, `killed ${vmId}`);
}
