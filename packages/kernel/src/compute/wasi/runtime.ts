/**
 * WasiRuntime: the public entry for running WASI preview1 programs (DESIGN §7). `spawn` checks everything
 * it can before any process is involved — the module is read, its memory capped to the limit (refused
 * with `resource_exceeded` when its minimum is above it), its imports checked (`payload_invalid`), the
 * preopened host directories checked (`not_found`) — then hands the guest to a fresh runner process from
 * the warm pool. The guest runs in a worker inside that runner; the kernel only ever talks to it over IPC
 * and pipes and can SIGKILL it at any moment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KernelError } from '../../contracts/errors.ts';
import { prepareModule } from './module-limits.ts';
import type { PreopenSpec, RunSpec } from './protocol.ts';
import { RunnerPool } from './runner-pool.ts';
import { WasiProcess } from './wasi-process.ts';

export interface WasiRuntimeOptions {
  /** Warm runners kept started (default 2; 0 forks a cold runner per spawn). */
  poolSize?: number;
  /** JS heap cap of each runner process, MiB (default 256). */
  runnerHeapMb?: number;
  /** JS heap cap of each guest worker, MiB (default 128). */
  workerHeapMb?: number;
}

export interface WasiLimits {
  /** Wall time from spawn until the runner is killed (`timeout`); Infinity for none. */
  wallMs: number;
  /** Cap on the guest's linear memory (rounded down to 64 KiB pages; at most 4 GiB). */
  memoryBytes: number;
  /** Cap on stdout + stderr bytes (`resource_exceeded`); Infinity for none. */
  outputBytes: number;
}

export interface WasiPreopen {
  /** The directory name the guest sees (e.g. `/work` or `.`). */
  guest: string;
  /** The host directory it maps to; the guest can never leave it. */
  host: string;
  readOnly?: boolean;
}

export interface WasiSpawnSpec {
  /** The module's bytes, or a host path to a `.wasm` file. */
  module: Uint8Array | string;
  /** argv as the guest sees it, argv[0] first (default: the module's file name). */
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
  preopens?: readonly WasiPreopen[];
  /** Initial standard input. */
  stdin?: Uint8Array;
  /** Keep stdin open after `stdin` for `write()` until `end()` (default false: end of file after it). */
  keepStdinOpen?: boolean;
  /** Report the standard streams as a terminal. */
  tty?: boolean;
  limits: WasiLimits;
}

function readModule(module: Uint8Array | string): Uint8Array {
  if (typeof module !== 'string') return module;
  try {
    return fs.readFileSync(module);
  } catch {
    throw new KernelError('not_found', `module not found: ${path.basename(module)}`);
  }
}

function checkPreopen(preopen: WasiPreopen): PreopenSpec {
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(preopen.host).isDirectory();
  } catch {
    throw new KernelError('not_found', `preopened directory not found: ${preopen.guest}`);
  }
  if (!isDirectory) throw new KernelError('payload_invalid', `preopen is not a directory: ${preopen.guest}`);
  if (preopen.guest === '' || preopen.guest.includes('\0')) throw new KernelError('payload_invalid', 'invalid preopen name');
  return { guest: preopen.guest, host: preopen.host, readOnly: preopen.readOnly ?? false };
}

export class WasiRuntime {
  readonly #pool: RunnerPool;

  constructor(options: WasiRuntimeOptions = {}) {
    this.#pool = new RunnerPool(options.poolSize ?? 2, {
      heapMb: options.runnerHeapMb ?? 256,
      workerHeapMb: options.workerHeapMb ?? 128,
    });
  }

  /** Starts a guest. Throws KernelError (payload_invalid, resource_exceeded, not_found) before running. */
  spawn(spec: WasiSpawnSpec): WasiProcess {
    const prepared = prepareModule(readModule(spec.module), spec.limits.memoryBytes);
    const preopens = (spec.preopens ?? []).map(checkPreopen);
    const argv0 = typeof spec.module === 'string' ? path.basename(spec.module) : 'main.wasm';
    const run: RunSpec = {
      module: prepared.bytes,
      wasiImports: prepared.wasiImports,
      memoryImports: prepared.memoryImports,
      args: [...(spec.args ?? [argv0])],
      env: { ...(spec.env ?? {}) },
      preopens,
      tty: spec.tty ?? false,
      outputBytes: Number.isFinite(spec.limits.outputBytes) ? spec.limits.outputBytes : null,
    };
    const stdin = { keepOpen: spec.keepStdinOpen ?? false, ...(spec.stdin === undefined ? {} : { initial: spec.stdin }) };
    return new WasiProcess(this.#pool.take(), run, spec.limits, stdin);
  }

  /** Warm runners currently waiting. */
  get warm(): number {
    return this.#pool.idle;
  }

  /** Stops the idle runners; running guests are not affected. */
  close(): void {
    this.#pool.close();
  }
}
