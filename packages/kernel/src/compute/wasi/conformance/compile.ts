/**
 * Builds the C test programs at test time with Debian's clang for wasm32-wasi (packages clang, lld,
 * wasi-libc, libclang-rt-14-dev-wasm32). Without that toolchain the suites skip with a reason, except
 * under AETHER_REQUIRE_SERVICES=1 (CI), where a missing toolchain fails the run instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SYSROOT = '/usr/share/wasi-sysroot';

export const CONFORMANCE_DIR = path.dirname(new URL(import.meta.url).pathname);

function clangArgs(source: string, output: string, extra: readonly string[]): string[] {
  const sysroot = existsSync(SYSROOT) ? [`--sysroot=${SYSROOT}`] : [];
  return ['--target=wasm32-wasi', ...sysroot, '-O1', '-Wall', source, '-o', output, ...extra];
}

/** Compiles one C file to a .wasm in `outDir`; `extra` are more clang flags (e.g. linker options). */
export async function compileC(source: string, outDir: string, extra: readonly string[] = []): Promise<string> {
  const output = path.join(outDir, `${path.basename(source, '.c')}.wasm`);
  await run('clang', clangArgs(source, output, extra), { timeout: 120_000 });
  return output;
}

let probe: Promise<string | false> | undefined;

/** false when clang can build a WASI program here; otherwise the reason to skip (or throws in CI). */
export function skipWithoutClang(): Promise<string | false> {
  probe ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aether-clang-'));
    const source = path.join(dir, 'probe.c');
    writeFileSync(source, '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n');
    try {
      await compileC(source, dir);
      return false;
    } catch (error) {
      const reason = `clang for wasm32-wasi is not usable (${(error as Error).message.split('\n')[0] ?? 'failed'})`;
      if (process.env.AETHER_REQUIRE_SERVICES === '1') {
        throw new Error(`${reason}; CI needs: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32`);
      }
      return reason;
    }
  })();
  return probe;
}

/** Compiles every named program of this directory (two at a time: the machine has two cores). */
export async function compileAll(names: readonly string[], outDir: string): Promise<Map<string, string>> {
  const built = new Map<string, string>();
  const queue = [...names];
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      built.set(name, await compileC(path.join(CONFORMANCE_DIR, `${name}.c`), outDir));
    }
  };
  await Promise.all([worker(), worker()]);
  return built;
}
