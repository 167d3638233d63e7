/**
 * The worker thread that runs one guest. It starts before any guest is known (the warm pool), blocks
 * reading one RunSpec from the spec pipe, instantiates the module against our own WASI host, runs
 * `_start` (or `_initialize` for a reactor), and writes exactly one Outcome to the status pipe. Its host
 * calls block this thread only; the runner's main thread stays free to feed stdin, and the kernel can
 * always SIGKILL the whole runner.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ConfinedRoot } from '../../vfs/confined/confined-root.ts';
import { OutputLimitExceeded, PipeOutput } from './guest-output.ts';
import { WasiContext } from './host/context.ts';
import { ProcExit } from './host/errno.ts';
import { WASI_MODULE, wasiImports } from './host/imports.ts';
import { decodeSpec, GUEST_STDERR_FD, GUEST_STDOUT_FD, SPEC_FD, STATUS_FD, type Outcome, type RunSpec } from './protocol.ts';
import { StdinReader } from './stdin-channel.ts';

interface WorkerData {
  stdinBuffer: SharedArrayBuffer;
}

function outcomeOf(thrown: unknown): Outcome {
  if (thrown instanceof ProcExit) return { type: 'exit', code: thrown.code };
  if (thrown instanceof OutputLimitExceeded) return { type: 'limit', limit: 'output', message: thrown.message };
  if (thrown instanceof WebAssembly.CompileError || thrown instanceof WebAssembly.LinkError) {
    return { type: 'invalid', message: thrown.message };
  }
  if (thrown instanceof RangeError && /memory|allocation/i.test(thrown.message)) {
    return { type: 'limit', limit: 'memory', message: thrown.message };
  }
  return { type: 'trap', message: thrown instanceof Error ? thrown.message : String(thrown) };
}

function run(spec: RunSpec, stdinBuffer: SharedArrayBuffer): Outcome {
  const roots: ConfinedRoot[] = [];
  let ctx: WasiContext | undefined;
  try {
    const preopens = spec.preopens.map((p) => {
      const root = new ConfinedRoot(p.host, { readOnly: p.readOnly });
      roots.push(root);
      return { guest: p.guest, root };
    });
    ctx = new WasiContext({
      args: spec.args,
      env: spec.env,
      preopens,
      stdin: new StdinReader(stdinBuffer),
      output: new PipeOutput({ stdout: GUEST_STDOUT_FD, stderr: GUEST_STDERR_FD }, spec.outputBytes ?? Infinity),
      tty: spec.tty,
    });
    const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {
      [WASI_MODULE]: wasiImports(ctx, spec.wasiImports),
    };
    let memory: WebAssembly.Memory | undefined;
    for (const m of spec.memoryImports) {
      memory = new WebAssembly.Memory({ initial: m.initial, maximum: m.maximum, shared: m.shared });
      (imports[m.module] ??= {})[m.name] = memory;
    }
    const module = new WebAssembly.Module(spec.module as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(module, imports);
    const exported = instance.exports.memory;
    if (exported instanceof WebAssembly.Memory) memory = exported;
    if (memory === undefined) return { type: 'invalid', message: 'the module has no memory' };
    ctx.memory.attach(memory);
    const start = instance.exports._start ?? instance.exports._initialize;
    if (typeof start !== 'function') return { type: 'invalid', message: 'the module exports neither _start nor _initialize' };
    (start as () => void)();
    return { type: 'exit', code: 0 };
  } catch (thrown) {
    return outcomeOf(thrown);
  } finally {
    ctx?.fds.closeAll();
    for (const root of roots) root.close();
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Exactly `n` bytes from the spec pipe, blocking this thread; throws at end of input (kernel gone). */
function readExactly(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    let got: number;
    try {
      got = fs.readSync(SPEC_FD, out, at, n - at, null);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
      continue;
    }
    if (got === 0) throw new Error('the kernel closed the spec pipe');
    at += got;
  }
  return out;
}

/** Reports the outcome and closes every pipe, so the kernel has it all without waiting for teardown. */
function report(outcome: Outcome): void {
  fs.writeSync(STATUS_FD, `${JSON.stringify(outcome)}\n`);
  parentPort?.postMessage('reported');
  for (const fd of [GUEST_STDOUT_FD, GUEST_STDERR_FD, STATUS_FD]) {
    try {
      fs.closeSync(fd);
    } catch {
      // Already closed.
    }
  }
}

// Everything above is loaded: the runner may now report itself ready, while this thread waits for its guest.
parentPort?.postMessage('ready');
const data = workerData as WorkerData;
report(run(decodeSpec(readExactly), data.stdinBuffer));
