/**
 * `wasi run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... FILE.wasm [ARGS...]`: the standalone runner
 * with the flags other WASI runtimes use (so the WebAssembly/wasi-testsuite adapters can drive it), on the
 * same runtime and confinement as the compute service. Guest stdout/stderr pass through, stdin is fed
 * through, and the exit code is the guest's own. Extra flags: `--wall-ms N`, `--memory-mb N`,
 * `--output-bytes N` (defaults: no wall-time or output limit, 4 GiB of memory).
 *
 * Exit codes besides the guest's: 2 usage error, 1 refused module, 124 wall time, 134 trap, 137 other limit.
 * Runnable directly: `node packages/kernel/src/compute/wasi/cli.ts run --dir . prog.wasm`.
 */
import { isKernelError } from '../../contracts/errors.ts';
import { WasiRuntime, type WasiLimits, type WasiPreopen } from './runtime.ts';
import type { WasiExit } from './wasi-process.ts';

const USAGE = 'usage: wasi run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--wall-ms N] [--memory-mb N] [--output-bytes N] FILE.wasm [ARGS...]\n';

interface Invocation {
  file: string;
  args: string[];
  env: Record<string, string>;
  preopens: WasiPreopen[];
  limits: WasiLimits;
}

class UsageError extends Error {}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number`);
  return n;
}

export function parseWasiArgs(argv: readonly string[]): Invocation {
  const rest = argv[0] === 'run' ? argv.slice(1) : [...argv];
  const inv: Invocation = {
    file: '', args: [], env: {}, preopens: [],
    limits: { wallMs: Infinity, memoryBytes: 4 * 1024 ** 3, outputBytes: Infinity },
  };
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    if (arg === '--') {
      i += 1;
      if (i >= rest.length) break;
    } else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const flag = eq > 0 ? arg.slice(0, eq) : arg;
      const value = eq > 0 ? arg.slice(eq + 1) : rest[i + 1];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      if (eq < 0) i += 1;
      if (flag === '--dir') {
        const [host, guest] = value.split('::');
        inv.preopens.push({ host: host as string, guest: guest ?? host as string });
      } else if (flag === '--mapdir') {
        const [guest, host] = value.split('::');
        if (host === undefined) throw new UsageError('--mapdir needs GUEST::HOST');
        inv.preopens.push({ host, guest: guest as string });
      } else if (flag === '--env') {
        const at = value.indexOf('=');
        if (at === 0) throw new UsageError('--env needs NAME=VALUE');
        if (at > 0) inv.env[value.slice(0, at)] = value.slice(at + 1);
        else if (process.env[value] !== undefined) inv.env[value] = process.env[value];
      } else if (flag === '--wall-ms') inv.limits.wallMs = positive(flag, value);
      else if (flag === '--memory-mb') inv.limits.memoryBytes = positive(flag, value) * 1024 * 1024;
      else if (flag === '--output-bytes') inv.limits.outputBytes = positive(flag, value);
      else throw new UsageError(`unknown option ${flag}`);
      continue;
    }
    inv.file = rest[i] as string;
    inv.args = rest.slice(i + 1);
    break;
  }
  if (inv.file === '') throw new UsageError('no module given');
  return inv;
}

function exitCodeOf(exit: WasiExit): number {
  if (exit.code !== null) return exit.code;
  if (exit.message !== undefined) process.stderr.write(`wasi: ${exit.message}\n`);
  if (exit.reason === 'timeout') {
    process.stderr.write('wasi: wall-time limit reached\n');
    return 124;
  }
  if (exit.reason === 'payload_invalid') return 1;
  if (exit.reason === 'resource_exceeded') return 137;
  return 134;
}

/** Runs the CLI; resolves to the process exit code. */
export async function runWasiCli(argv: readonly string[]): Promise<number> {
  let inv: Invocation;
  try {
    inv = parseWasiArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`wasi: ${error.message}\n${USAGE}`);
    return 2;
  }
  const runtime = new WasiRuntime({ poolSize: 0 });
  try {
    const proc = runtime.spawn({
      module: inv.file, args: [inv.file, ...inv.args], env: inv.env, preopens: inv.preopens,
      keepStdinOpen: true, tty: process.stdout.isTTY, limits: inv.limits,
    });
    proc.on('stdout', (chunk) => process.stdout.write(chunk));
    proc.on('stderr', (chunk) => process.stderr.write(chunk));
    const stdin = process.stdin;
    const onData = (chunk: Buffer): void => proc.write(new Uint8Array(chunk));
    const onEnd = (): void => proc.end();
    stdin.on('data', onData).on('end', onEnd).on('error', onEnd);
    const exit = await proc.exit;
    stdin.off('data', onData).off('end', onEnd).pause();
    stdin.unref?.();
    return exitCodeOf(exit);
  } catch (error) {
    if (!isKernelError(error)) throw error;
    process.stderr.write(`wasi: ${error.message}\n`);
    return 1;
  } finally {
    runtime.close();
  }
}

if (import.meta.main) {
  runWasiCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`wasi: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
