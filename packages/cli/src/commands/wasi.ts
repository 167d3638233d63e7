/**
 * `aether wasi run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... FILE.wasm [ARGS...]`: the standalone
 * WASI runner, here on this machine with no daemon, on the same runtime and confinement as `vm.spawn`.
 * The WebAssembly/wasi-testsuite drives this exact command line, so nothing is added to the guest's
 * stdout or stderr and the exit code is the guest's own (2 usage, 124 wall time, 134 trap, 137 limit).
 */
import type { Io } from '../context.ts';
// `@aether/kernel` exports only its index, and the index does not re-export `runWasiCli` (it exports the
// compute barrel, which leaves the CLI out), so the runner is reached by its path inside the workspace.
// Requested: `export { runWasiCli } from './wasi/index.ts'` in packages/kernel/src/compute/index.ts.
import { runWasiCli } from '../../../kernel/src/compute/wasi/cli.ts';

const USAGE = 'usage: aether wasi run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... [--wall-ms N] [--memory-mb N] [--output-bytes N] FILE.wasm [ARGS...]';

export async function wasi(io: Io, argv: readonly string[]): Promise<number> {
  if (argv[0] !== 'run') {
    const help = argv[0] === '--help' || argv[0] === '-h';
    const text = `${USAGE}\n  run a WASI preview1 module here, without a daemon; --dir maps a host directory into the guest`;
    if (help) io.out(text);
    else io.err(text);
    return help ? 0 : 2;
  }
  return runWasiCli(argv);
}
