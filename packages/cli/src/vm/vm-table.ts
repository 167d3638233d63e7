/**
 * The `aether vm …` rows of the command table.
 */
import { type Command, bool, str, strs } from '../args.ts';
import { vmKill, vmPs, vmRun } from './vm-commands.ts';

export const VM_COMMANDS: Record<string, Command> = {
  'vm run': {
    usage: 'vm run [options] FILE.wasm|--sandbox CMD [ARGS...]',
    summary: 'run a WASI module or a sandboxed command, streaming its output; exits with its code (124 timeout, 137 limit)',
    details: [
      'FILE.wasm           a local module (uploaded to ~/.aether/wasm first), or vfs:PATH for one in the VFS',
      '--sandbox CMD ARGS  a Linux command under bubblewrap, as an argv; --shell runs CMD as a /bin/sh command line',
      '--timeout D         wall time (30, 1.5s, 500ms, 2m); --idle-timeout D: longest stretch without output',
      '--memory SIZE       memory cap (256M, 1G); --output-limit SIZE; --cpu D; --processes N (sandbox)',
      '-e, --env N=V       environment (repeatable; a bare N passes your value on)',
      '--cwd PATH          VFS directory: the sandbox workspace (written back at exit) / the guest\'s "."',
      '--net               keep the network (sandbox; needs vm.net)',
      '-t, --tty           a pseudo-terminal: raw keys, window size follows (needs a terminal)',
      '--no-stdin          do not forward standard input (the vm reads end of file)',
      'Exit code: the program\'s own; 124 wall or idle time; 137 another limit; 130 after Ctrl-C.',
    ],
    options: {
      sandbox: { type: 'boolean' },
      shell: { type: 'boolean' },
      timeout: { type: 'string' },
      'idle-timeout': { type: 'string' },
      memory: { type: 'string' },
      'output-limit': { type: 'string' },
      cpu: { type: 'string' },
      processes: { type: 'string' },
      env: { type: 'string', multiple: true, short: 'e' },
      cwd: { type: 'string' },
      net: { type: 'boolean' },
      tty: { type: 'boolean', short: 't' },
      'no-stdin': { type: 'boolean' },
    },
    args: [1, 10_000],
    verbatim: true,
    run: (ctx, argv, v) =>
      vmRun(ctx, argv, {
        sandbox: bool(v, 'sandbox'),
        shell: bool(v, 'shell'),
        net: bool(v, 'net'),
        tty: bool(v, 'tty'),
        noStdin: bool(v, 'no-stdin'),
        cwd: str(v, 'cwd'),
        env: strs(v, 'env'),
        timeout: str(v, 'timeout'),
        idle: str(v, 'idle-timeout'),
        memory: str(v, 'memory'),
        output: str(v, 'output-limit'),
        cpu: str(v, 'cpu'),
        processes: str(v, 'processes'),
      }),
  },
  'vm ps': { usage: 'vm ps', summary: 'list your running vms', args: [0, 0], run: (ctx) => vmPs(ctx) },
  'vm kill': { usage: 'vm kill ID', summary: 'stop a vm now', args: [1, 1], run: (ctx, [id]) => vmKill(ctx, id as string) },
};
