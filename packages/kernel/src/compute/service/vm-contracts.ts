/**
 * The `vm.*` contracts (DESIGN §7, issue 4): spawn a program in the `wasi` or `sandbox` backend, feed its
 * standard input, resize its terminal, kill it, list one's vms. Output and the end of a run arrive as
 * stream events (vm-events.ts). `backend` is any string here on purpose: an unknown backend is answered
 * `unsupported_backend` by the service, not `payload_invalid` by the schema, and needs no capability.
 */
import { z } from 'zod';
import { defineContract } from '../../contracts/contract.ts';
import { EXIT_TOPIC, ERROR_TOPIC, STDERR_TOPIC, STDOUT_TOPIC } from './vm-events.ts';

export const BACKENDS = ['wasi', 'sandbox'] as const;
export type Backend = (typeof BACKENDS)[number];

export function isBackend(name: string): name is Backend {
  return (BACKENDS as readonly string[]).includes(name);
}

/** Largest standard-input chunk one call carries, bytes (keeps a base64 frame under 1 MiB). */
export const MAX_STDIN_BYTES = 512 * 1024;
const MAX_STDIN_TEXT = Math.ceil(MAX_STDIN_BYTES / 3) * 4;

const VmId = z.string().min(1).max(64);
const Encoding = z.enum(['utf8', 'base64']);
const Arg = z.string().max(128 * 1024);
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').max(256);

export const VmLimitsRequest = z
  .object({
    wallMs: z.number().int().min(1).optional(),
    idleMs: z.number().int().min(0).optional(),
    memoryBytes: z.number().int().min(64 * 1024).optional(),
    outputBytes: z.number().int().min(1).optional(),
    cpuSeconds: z.number().int().min(1).optional(),
    processes: z.number().int().min(1).optional(),
  })
  .strict();

export const SpawnRequest = z
  .object({
    backend: z.string().min(1).max(64),
    /** wasi: VFS path of the `.wasm` module. */
    program: z.string().min(1).max(4096).optional(),
    /** sandbox: argv (program first), never parsed by a shell. */
    command: z.array(Arg).min(1).max(1024).optional(),
    /** More arguments after the program (wasi: argv[1…]; sandbox: appended to `command`). */
    args: z.array(Arg).max(1024).default([]),
    env: z.record(EnvName, z.string().max(128 * 1024)).default({}),
    /** Initial standard input. Input then ends, unless `keepStdinOpen` (default: open when no `stdin` is given). */
    stdin: z.string().max(MAX_STDIN_TEXT).optional(),
    stdinEncoding: Encoding.default('utf8'),
    keepStdinOpen: z.boolean().optional(),
    /**
     * A VFS directory. sandbox: the workspace (staged in, written back at exit; needs fs.write on its
     * tree); wasi: preopened as `.` besides the mounts. Default: sandbox an empty scratch workspace.
     */
    cwd: z.string().min(1).max(4096).optional(),
    tty: z.object({ rows: z.number().int().min(1).max(1000), cols: z.number().int().min(1).max(1000) }).strict().optional(),
    /** sandbox: a network of its own with user-mode NAT, never the host's loopback (needs `vm.net`). */
    net: z.boolean().optional(),
    limits: VmLimitsRequest.optional(),
  })
  .strict();
export type SpawnRequest = z.infer<typeof SpawnRequest>;

export const spawnContract = defineContract({
  topic: 'vm.spawn',
  summary: 'Run a WASI module or a sandboxed Linux command; output and exit stream as vm.* events.',
  request: SpawnRequest,
  reply: z.object({ vmId: VmId }),
  capability: ({ backend }) => (isBackend(backend) ? `vm.spawn:${backend}` : null),
  streams: [STDOUT_TOPIC, STDERR_TOPIC, ERROR_TOPIC, EXIT_TOPIC],
  idempotent: false,
});

export const stdinContract = defineContract({
  topic: 'vm.stdin',
  summary: "Write to a vm's standard input, or end it.",
  request: z.object({ vmId: VmId, data: z.string().max(MAX_STDIN_TEXT).default(''), encoding: Encoding.default('utf8'), eof: z.boolean().default(false) }).strict(),
  reply: z.object({ vmId: VmId, bytes: z.number().int().min(0) }),
  capability: () => 'vm.stdin',
  idempotent: false,
});

export const killContract = defineContract({
  topic: 'vm.kill',
  summary: 'Stop a vm now (SIGKILL of the whole run); its vm.exit follows.',
  request: z.object({ vmId: VmId }).strict(),
  reply: z.object({ vmId: VmId }),
  capability: () => 'vm.kill',
  idempotent: true,
});

export const resizeContract = defineContract({
  topic: 'vm.resize',
  summary: "Resize a vm's pseudo-terminal (spawned with tty).",
  request: z.object({ vmId: VmId, rows: z.number().int().min(1).max(1000), cols: z.number().int().min(1).max(1000) }).strict(),
  reply: z.object({ vmId: VmId }),
  // Resizing is terminal input: whoever may type into a vm may resize it.
  capability: () => 'vm.stdin',
  idempotent: true,
});

export const VmInfo = z.object({
  vmId: VmId,
  backend: z.enum(BACKENDS),
  owner: z.string(),
  /** argv as run (wasi: the module's VFS path first). */
  argv: z.array(z.string()),
  cwd: z.string().optional(),
  tty: z.boolean(),
  state: z.enum(['running', 'finishing']),
  startedAt: z.string(),
});
export type VmInfo = z.infer<typeof VmInfo>;

export const listContract = defineContract({
  topic: 'vm.list',
  summary: "The caller's live vms (holders of vm.admin: every vm).",
  request: z.object({}).strict(),
  reply: z.object({ vms: z.array(VmInfo) }),
  capability: () => 'vm.list',
  idempotent: true,
});
