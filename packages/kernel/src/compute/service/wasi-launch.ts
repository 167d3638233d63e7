/**
 * Starts a `wasi` vm: the module is read from the VFS as the caller (so `fs.read` on it is checked), the
 * guest gets the caller's mounts as preopens (wasi-preopens.ts), and runs in a runner process of the
 * WasiRuntime that the kernel can SIGKILL. Its exit is normalised for the service: the breached limit is
 * named (`wall`, `output`, or `memory` when the runner died of it), and after a run that may have written
 * to a mount, the VFS measures that mount's usage again.
 */
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import type { VfsService } from '../../vfs/index.ts';
import type { WasiExit, WasiPreopen, WasiRuntime } from '../wasi/index.ts';
import type { VmLimits } from './compute-config.ts';
import type { SpawnRequest } from './vm-contracts.ts';
import type { OutputSink, VmExitStatus, VmProcess } from './vm-process.ts';
import { cwdPreopen, preopensFor } from './wasi-preopens.ts';

export interface WasiDeps {
  runtime: WasiRuntime;
  vfs: VfsService;
  maxModuleBytes: number;
}

async function readModule(vfs: VfsService, caller: Principal, program: string, maxBytes: number): Promise<Uint8Array> {
  const stat = await vfs.stat(caller, program);
  if (stat.type !== 'file') throw new KernelError('payload_invalid', `program ${program} is not a file`);
  if (stat.size > maxBytes) {
    throw new KernelError('resource_exceeded', `program ${program} is larger than ${maxBytes} bytes`, { limit: 'module_bytes', max: maxBytes });
  }
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const { data, size } = await vfs.read(caller, program, { offset, length: maxBytes + 1 - offset });
    parts.push(data);
    offset += data.length;
    if (offset > maxBytes) throw new KernelError('resource_exceeded', `program ${program} is larger than ${maxBytes} bytes`, { limit: 'module_bytes', max: maxBytes });
    if (data.length === 0 || offset >= size) break;
  }
  return new Uint8Array(Buffer.concat(parts));
}

function limitOf(exit: WasiExit, limits: VmLimits): string | undefined {
  if (exit.reason === 'timeout') return 'wall';
  if (exit.reason !== 'resource_exceeded') return undefined;
  if (exit.usage.outputBytes >= limits.outputBytes || /output/i.test(exit.message ?? '')) return 'output';
  return 'memory';
}

function normalise(exit: WasiExit, limits: VmLimits): VmExitStatus {
  const limit = limitOf(exit, limits);
  return {
    code: exit.code,
    signal: exit.signal ?? null,
    ...(exit.reason === undefined ? {} : { reason: exit.reason }),
    ...(limit === undefined ? {} : { limit }),
    ...(exit.message === undefined ? {} : { message: exit.message }),
    usage: { wallMs: Math.round(exit.usage.wallMs), outputBytes: exit.usage.outputBytes },
  };
}

export async function launchWasi(
  deps: WasiDeps, caller: Principal, request: SpawnRequest, stdin: Uint8Array | undefined, limits: VmLimits, sink: OutputSink,
): Promise<VmProcess> {
  if (request.program === undefined) throw new KernelError('payload_invalid', 'a wasi vm needs program: the VFS path of a .wasm module');
  if (request.command !== undefined) throw new KernelError('payload_invalid', 'command is for the sandbox backend; a wasi vm takes program and args');
  if (request.net === true) throw new KernelError('payload_invalid', 'net is for the sandbox backend: a wasi guest has no sockets');
  const module = await readModule(deps.vfs, caller, request.program, deps.maxModuleBytes);
  const preopens: WasiPreopen[] = await preopensFor(deps.vfs, caller);
  if (request.cwd !== undefined) {
    const dot = cwdPreopen(preopens, request.cwd);
    if (dot === undefined) throw new KernelError('payload_invalid', 'a wasi cwd must be the root of a mount the caller may read (e.g. /home/<user>)', { cwd: request.cwd });
    preopens.push(dot);
  }
  const argv = [request.program, ...request.args];
  const proc = deps.runtime.spawn({
    module,
    args: argv,
    env: request.env,
    preopens,
    ...(stdin === undefined ? {} : { stdin }),
    keepStdinOpen: request.keepStdinOpen ?? stdin === undefined,
    tty: request.tty !== undefined,
    limits: { wallMs: limits.wallMs, memoryBytes: limits.memoryBytes, outputBytes: limits.outputBytes },
  });
  proc.on('stdout', (bytes) => sink('stdout', bytes));
  proc.on('stderr', (bytes) => sink('stderr', bytes));
  const writable = preopens.filter((p) => p.readOnly !== true && p.guest !== '.').map((p) => p.guest);
  const exit = proc.exit.then((result) => {
    // The guest wrote to these mounts behind the VFS's back: its quota accounting measures them again.
    for (const mount of writable) deps.vfs.forgetUsage(mount);
    return normalise(result, limits);
  });
  return {
    write: (data) => proc.write(data),
    end: () => proc.end(),
    kill: () => proc.kill(),
    resize: () => undefined,
    exit,
  };
}
