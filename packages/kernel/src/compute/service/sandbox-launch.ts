/**
 * Starts a `sandbox` vm: a Linux command (argv, never a shell string) under bubblewrap. Without a usable
 * bubblewrap the answer is `unsupported_backend` — there is no host fallback. The workspace is a fresh
 * host directory (sandbox-workspaces.ts); with `cwd` it is first staged from that VFS directory, which
 * the caller must be allowed to write entirely, bound at the same path inside the sandbox, and written
 * back after the run. The exit waits for all output and for the write-back, and reports both.
 */
import { KernelError, toKernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import { fsCapability, normaliseVfsPath, type VfsService } from '../../vfs/index.ts';
import type { SandboxExit, SandboxProcess, SandboxRuntime } from '../sandbox/index.ts';
import type { VmLimits } from './compute-config.ts';
import type { SandboxWorkspaces } from './sandbox-workspaces.ts';
import type { SpawnRequest } from './vm-contracts.ts';
import type { SyncReport } from './vm-events.ts';
import type { OutputSink, VmExitStatus, VmProcess } from './vm-process.ts';
import { type Manifest, stageIn, type StageCaps } from './workspace-stage.ts';
import { syncBack } from './workspace-sync.ts';

export interface SandboxDeps {
  runtime: SandboxRuntime;
  vfs: VfsService;
  workspaces: SandboxWorkspaces;
  stage: StageCaps;
}

/** Guest paths the sandbox accepts for its workspace (sandbox-spec.ts); others use /workspace. */
const GUEST_PATH = /^(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/;
const RESERVED = new Set(['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'usr', 'proc', 'dev', 'etc', 'tmp', 'sys', 'run']);

function guestPathFor(cwd: string | undefined): string {
  if (cwd === undefined || !GUEST_PATH.test(cwd) || RESERVED.has(cwd.split('/')[1] ?? '')) return '/workspace';
  return cwd;
}

async function checkWorkspace(vfs: VfsService, caller: Principal, cwd: string): Promise<void> {
  const decision = caller.capabilities.check(fsCapability('write', cwd, true));
  if (!decision.allowed) {
    throw new KernelError('permission_denied', `a sandbox workspace must be a directory the caller may write entirely; ${caller.id} lacks ${decision.missing}`, {
      missing: decision.missing, hint: decision.hint,
    });
  }
  if ((await vfs.stat(caller, cwd)).type !== 'directory') throw new KernelError('payload_invalid', `cwd ${cwd} is not a directory`);
}

function streamEnded(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

function normalise(exit: SandboxExit, sync: SyncReport | undefined): VmExitStatus {
  return {
    code: exit.code,
    signal: exit.signal,
    ...(exit.reason === undefined ? {} : { reason: exit.reason }),
    ...(exit.limit === undefined ? {} : { limit: exit.limit }),
    usage: { ...exit.usage, wallMs: Math.round(exit.usage.wallMs) },
    ...(sync === undefined ? {} : { sync }),
  };
}

export async function launchSandbox(
  deps: SandboxDeps, vmId: string, caller: Principal, request: SpawnRequest, stdin: Uint8Array | undefined, limits: VmLimits, sink: OutputSink,
): Promise<VmProcess> {
  if (request.command === undefined) throw new KernelError('payload_invalid', 'a sandbox vm needs command: an argv array');
  if (request.program !== undefined) throw new KernelError('payload_invalid', 'program is for the wasi backend; a sandbox vm takes command and args');
  const status = await deps.runtime.status();
  if (!status.available) throw new KernelError('unsupported_backend', `sandbox backend unavailable: ${status.reason ?? 'bubblewrap cannot run here'}`, { backend: 'sandbox' });
  const cwd = request.cwd === undefined ? undefined : normaliseVfsPath(request.cwd);
  if (cwd !== undefined) await checkWorkspace(deps.vfs, caller, cwd);
  const argv = [...request.command, ...request.args];
  const guestPath = guestPathFor(cwd);
  const dir = await deps.workspaces.create(vmId);
  let proc: SandboxProcess;
  let manifest: Manifest | undefined;
  try {
    if (cwd !== undefined) manifest = await stageIn(deps.vfs, caller, cwd, dir, deps.stage);
    await deps.workspaces.handOver(dir);
    proc = await deps.runtime.spawn({
      argv,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: guestPath, ...(request.tty ? { TERM: 'xterm-256color' } : {}), ...request.env },
      workspace: { hostDir: dir, guestPath },
      net: request.net === true,
      ...(request.tty === undefined ? {} : { tty: request.tty }),
      limits: { wallMs: limits.wallMs, idleMs: limits.idleMs, memoryBytes: limits.memoryBytes, outputBytes: limits.outputBytes, cpuSeconds: limits.cpuSeconds, processes: limits.processes },
    });
  } catch (error) {
    await deps.workspaces.remove(dir);
    throw error;
  }
  proc.stdout.on('data', (chunk: Buffer) => sink('stdout', chunk));
  proc.stderr.on('data', (chunk: Buffer) => sink('stderr', chunk));
  const outputDone = Promise.all([streamEnded(proc.stdout), streamEnded(proc.stderr)]);
  if (stdin !== undefined && stdin.length > 0) proc.stdin.write(stdin);
  if (!(request.keepStdinOpen ?? stdin === undefined)) proc.stdin.end();
  const exit = (async (): Promise<VmExitStatus> => {
    const result = await proc.exit;
    await outputDone;
    let sync: SyncReport | undefined;
    try {
      await deps.workspaces.reclaim(dir);
      if (cwd !== undefined && manifest !== undefined) sync = await syncBack(deps.vfs, caller, cwd, dir, manifest);
    } catch (error) {
      if (cwd !== undefined) sync = { written: 0, deleted: 0, skipped: [{ path: cwd, reason: `write-back failed: ${toKernelError(error).message}` }] };
    } finally {
      await deps.workspaces.remove(dir).catch(() => undefined);
    }
    return normalise(result, sync);
  })();
  return {
    write: (data) => {
      if (proc.stdin.writable) proc.stdin.write(data);
    },
    end: () => proc.stdin.end(),
    kill: () => proc.kill(),
    resize: (rows, cols) => proc.resize(rows, cols),
    exit,
  };
}
