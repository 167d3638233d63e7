/**
 * What some CLI suites need from the host, probed once, skipping with a reason when it is missing (the
 * kernel's own pattern): bubblewrap for sandboxed vms, and clang for wasm32-wasi to build tiny modules at
 * test time. Under AETHER_REQUIRE_SERVICES=1 (CI) a missing tool fails the run instead of passing quietly.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SandboxRuntime } from '@aether/kernel';

const run = promisify(execFile);
const SYSROOT = '/usr/share/wasi-sysroot';

function skipOrFail(reason: string, install: string): string {
  if (process.env.AETHER_REQUIRE_SERVICES === '1') throw new Error(`${reason} (AETHER_REQUIRE_SERVICES=1); CI needs: ${install}`);
  return reason;
}

/** false when sandboxes can run here, else the reason to skip. */
export async function skipUnlessBwrap(): Promise<string | false> {
  const status = await new SandboxRuntime().status();
  return status.available ? false : skipOrFail(status.reason ?? 'bubblewrap unavailable', 'apt-get install bubblewrap');
}

/** Compiles C source text to `<dir>/<name>.wasm` with clang for wasm32-wasi. */
export async function compileWasm(dir: string, name: string, source: string): Promise<string> {
  const input = path.join(dir, `${name}.c`);
  const output = path.join(dir, `${name}.wasm`);
  await writeFile(input, source);
  const sysroot = existsSync(SYSROOT) ? [`--sysroot=${SYSROOT}`] : [];
  await run('clang', ['--target=wasm32-wasi', ...sysroot, '-O1', input, '-o', output], { timeout: 120_000 });
  return output;
}

/** false when clang can build a WASI program here, else the reason to skip. */
export async function skipWithoutClang(dir: string): Promise<string | false> {
  try {
    await compileWasm(dir, 'probe', 'int main(void) { return 0; }\n');
    return false;
  } catch (error) {
    const reason = `clang for wasm32-wasi is not usable (${(error as Error).message.split('\n')[0] ?? 'failed'})`;
    return skipOrFail(reason, 'apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32');
  }
}
