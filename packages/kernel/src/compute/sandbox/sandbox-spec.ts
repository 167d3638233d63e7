/**
 * Validates a SandboxSpec and turns it into the exact argv, env and paths the sandbox will use. Bad input
 * is `payload_invalid`; nothing here ever builds a shell string — `shell: true` is the caller's explicit
 * request and becomes the argv `/bin/sh -c <script> sh <args…>`.
 */
import path from 'node:path';
import { KernelError } from '../../contracts/errors.ts';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits, type SandboxSpec } from './types.ts';

export interface ResolvedSpec {
  argv: string[];
  env: [string, string][];
  hostDir: string;
  guestPath: string;
  cwd: string;
  net: boolean;
  tty: { rows: number; cols: number } | undefined;
  limits: SandboxLimits;
}

/** Guest top-level names that belong to the sandbox itself and cannot host the workspace. */
const RESERVED = new Set(['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'usr', 'proc', 'dev', 'etc', 'tmp', 'sys', 'run']);
const GUEST_PATH = /^(\/[A-Za-z0-9._-]+)+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const invalid = (message: string, details?: Record<string, unknown>): KernelError => new KernelError('payload_invalid', message, details);

function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.includes('\0')) throw invalid(`${what} must be a string without NUL bytes`);
  return value;
}

function resolveArgv(spec: SandboxSpec): string[] {
  if (spec.argv && spec.shell) throw invalid('give either argv or shell, not both');
  if (spec.shell) {
    const script = checkString(spec.shell.script, 'shell.script');
    return ['/bin/sh', '-c', script, 'sh', ...(spec.shell.args ?? []).map((a, i) => checkString(a, `shell.args[${i}]`))];
  }
  if (!spec.argv || spec.argv.length === 0) throw invalid('argv must name a program');
  const argv = spec.argv.map((a, i) => checkString(a, `argv[${i}]`));
  if (argv[0] === '') throw invalid('argv[0] must not be empty');
  return argv;
}

function resolveLimits(partial: Partial<SandboxLimits> | undefined): SandboxLimits {
  const limits = { ...DEFAULT_SANDBOX_LIMITS };
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (!(key in limits)) throw invalid(`unknown limit ${key}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw invalid(`limit ${key} must be a non-negative number`);
    limits[key as keyof SandboxLimits] = value;
  }
  for (const key of ['wallMs', 'outputBytes', 'cpuSeconds', 'memoryBytes', 'processes', 'tmpBytes', 'cpuCores'] as const) {
    if (limits[key] <= 0) throw invalid(`limit ${key} must be positive`);
  }
  return limits;
}

function resolveTty(tty: SandboxSpec['tty']): ResolvedSpec['tty'] {
  if (!tty) return undefined;
  const ok = (n: unknown): boolean => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 1000;
  if (!ok(tty.rows) || !ok(tty.cols)) throw invalid('tty rows and cols must be integers in 1..1000');
  return { rows: tty.rows, cols: tty.cols };
}

export function resolveSpec(spec: SandboxSpec): ResolvedSpec {
  const argv = resolveArgv(spec);
  const env = Object.entries(spec.env ?? {}).map(([name, value]): [string, string] => {
    if (!ENV_NAME.test(name)) throw invalid(`invalid environment variable name ${JSON.stringify(name)}`);
    return [name, checkString(value, `env.${name}`)];
  });
  const hostDir = checkString(spec.workspace?.hostDir, 'workspace.hostDir');
  if (!path.isAbsolute(hostDir)) throw invalid('workspace.hostDir must be absolute');
  const guestPath = spec.workspace.guestPath ?? '/workspace';
  if (!GUEST_PATH.test(guestPath) || guestPath.split('/').some((part) => part === '.' || part === '..')) {
    throw invalid('workspace.guestPath must be a plain absolute path', { guestPath });
  }
  if (RESERVED.has(guestPath.split('/')[1] ?? '')) throw invalid(`workspace.guestPath may not be under ${guestPath.split('/')[1] ?? ''}`);
  const cwd = path.posix.resolve(guestPath, checkString(spec.cwd ?? '.', 'cwd'));
  if (cwd !== guestPath && !cwd.startsWith(`${guestPath}/`)) throw invalid('cwd must be inside the workspace', { cwd });
  return { argv, env, hostDir, guestPath, cwd, net: spec.net === true, tty: resolveTty(spec.tty), limits: resolveLimits(spec.limits) };
}
