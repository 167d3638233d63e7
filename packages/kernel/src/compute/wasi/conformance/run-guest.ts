/**
 * Test helper: spawns a guest through the real runtime and collects its exit and output as text.
 * `onStdout` sees the output so far and the process, so a test can answer a prompt on stdin.
 */
import type { WasiRuntime, WasiSpawnSpec } from '../runtime.ts';
import type { WasiExit, WasiProcess } from '../wasi-process.ts';

export interface GuestRun {
  exit: WasiExit;
  stdout: string;
  stderr: string;
}

export async function runGuest(
  runtime: WasiRuntime,
  spec: WasiSpawnSpec,
  onStdout?: (soFar: string, process: WasiProcess) => void,
): Promise<GuestRun> {
  const proc = runtime.spawn(spec);
  const decoder = { out: new TextDecoder(), err: new TextDecoder() };
  let stdout = '';
  let stderr = '';
  proc.on('stdout', (chunk) => {
    stdout += decoder.out.decode(chunk, { stream: true });
    onStdout?.(stdout, proc);
  });
  proc.on('stderr', (chunk) => {
    stderr += decoder.err.decode(chunk, { stream: true });
  });
  const exit = await proc.exit;
  return { exit, stdout, stderr };
}

/** Generous limits for conformance programs. */
export const TEST_LIMITS = { wallMs: 60_000, memoryBytes: 64 * 1024 * 1024, outputBytes: 1024 * 1024 };
