/**
 * `run`: runs a program in a vm and returns its exit status and output. `wasi` runs a WebAssembly module
 * stored in the VFS (`program`); `sandbox` runs a Linux command (`command`, an argv array — never parsed
 * by a shell, unless `shell: true` is given explicitly, when command is one script run by `sh -c`).
 * Standard input is what `stdin` gives, then closed. The wall-time limit is `timeout_ms` (the compute
 * service refuses more than the agent may ask for); stdout and stderr are bounded, head and tail kept.
 * Needs `vm.spawn:<backend>`. Not idempotent: a program's effects cannot be assumed safe to repeat.
 */
import { z } from 'zod';
import { KernelError } from '../../contracts/errors.ts';
import { defineTool, type ToolOutput } from '../tools/tool.ts';
import { VM_RUNNER } from './services.ts';
import { formatBytes } from './text.ts';
import { VfsPathInput } from './vfs-input.ts';
import type { VmRunResult } from './vm-runner.ts';

const Arg = z.string().max(64 * 1024);

type Input = { backend: 'wasi' | 'sandbox'; program?: string | undefined; command?: string[] | undefined; shell: boolean };

/** Why these arguments cannot run, or undefined when they fit together. */
function mismatch({ backend, program, command, shell }: Input): string | undefined {
  if (backend === 'wasi') {
    if (program === undefined) return 'the wasi backend needs program: the VFS path of a .wasm module';
    if (command !== undefined || shell) return 'command and shell are for the sandbox backend; wasi takes program and args';
    return undefined;
  }
  if (command === undefined) return 'the sandbox backend needs command: an argv array such as ["ls", "-la"]';
  if (program !== undefined) return 'program is for the wasi backend; sandbox takes command and args';
  if (shell && command.length !== 1) return 'with shell: true, command must be exactly one string: the shell script';
  return undefined;
}

function report(result: VmRunResult): { [key: string]: ToolOutput } {
  return {
    exit_code: result.exitCode,
    ...(result.signal === null ? {} : { signal: result.signal }),
    ...(result.reason === 'timeout' ? { timed_out: true } : {}),
    ...(result.reason === undefined || result.reason === 'timeout' ? {} : { failure: result.reason }),
    ...(result.limit === undefined ? {} : { limit: result.limit }),
    ...(result.message === undefined ? {} : { message: result.message }),
    stdout: result.stdout,
    stderr: result.stderr,
    ...(result.stdoutBytes + result.stderrBytes > Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr)
      ? { output_note: `output was ${formatBytes(result.stdoutBytes)} on stdout and ${formatBytes(result.stderrBytes)} on stderr; only the start and end of each are shown` }
      : {}),
    ...(result.sync === undefined ? {} : { files_written_back: result.sync.written, files_deleted: result.sync.deleted, ...(result.sync.skipped.length > 0 ? { not_written_back: result.sync.skipped.slice(0, 20).map((s) => `${s.path}: ${s.reason}`) } : {}) }),
  };
}

export const vmRunTool = defineTool({
  name: 'run',
  description:
    'Run a program and wait for it to finish. backend "sandbox": a Linux command given as an argv array (no shell; set shell: true to run one sh script); ' +
    'backend "wasi": a WebAssembly module stored in the file system (program). Returns exit_code, stdout, stderr, and timed_out/limit when a limit stopped it. ' +
    'With cwd (a VFS directory), a sandbox works in a copy of it that is written back at the end.',
  input: z
    .object({
      backend: z.enum(['wasi', 'sandbox']),
      program: VfsPathInput.optional().describe('wasi: VFS path of the .wasm module'),
      command: z.array(Arg).min(1).max(256).optional().describe('sandbox: the program and its arguments, e.g. ["python3", "main.py"]'),
      shell: z.boolean().default(false).describe('sandbox: run command[0] as a script with sh -c'),
      args: z.array(Arg).max(256).default([]).describe('more arguments after program/command'),
      stdin: z.string().max(256 * 1024).optional().describe('standard input; it is closed after this'),
      cwd: VfsPathInput.optional().describe('VFS directory to work in'),
      timeout_ms: z.number().int().min(100).max(3_600_000).optional().describe('wall-time limit; default the kernel\'s (60 s)'),
    })
    .superRefine((input, issues) => {
      const problem = mismatch(input);
      if (problem !== undefined) issues.addIssue({ code: 'custom', message: problem });
    }),
  capability: ({ backend }) => `vm.spawn:${backend}`,
  idempotent: false,
  approval: {
    summary: (input) => `run in ${input.backend}: ${input.backend === 'wasi' ? input.program ?? '' : input.shell ? `sh -c ${JSON.stringify(input.command?.[0] ?? '')}` : JSON.stringify([...(input.command ?? []), ...input.args])}`,
  },
  async execute(input, ctx) {
    const problem = mismatch(input);
    if (problem !== undefined) throw new KernelError('payload_invalid', problem);
    const command = input.backend === 'sandbox' && input.shell ? ['/bin/sh', '-c', input.command?.[0] ?? '', 'sh'] : input.command;
    const result = await ctx.services.require(VM_RUNNER).run(
      ctx.principal,
      {
        backend: input.backend,
        ...(input.program === undefined ? {} : { program: input.program }),
        ...(command === undefined ? {} : { command }),
        args: input.args,
        ...(input.stdin === undefined ? {} : { stdin: input.stdin }),
        ...(input.cwd === undefined ? {} : { cwd: input.cwd }),
        ...(input.timeout_ms === undefined ? {} : { wallMs: input.timeout_ms }),
      },
      ctx.signal,
    );
    return report(result);
  },
});
