/**
 * The compute service (DESIGN §7): runs vms in the `wasi` and `sandbox` backends for principals, under
 * limits resolved from the request, the configured defaults and the caller's maxima, with caps on live
 * vms per owner and in all. Each vm belongs to its owner: any other caller asking about it hears
 * `not_found`. Output and exits stream as `vm.*` events (vm-events.ts). `close()` kills every vm, waits
 * for their exits (and sandbox write-backs), and releases the runtimes; the kernel calls it on stop.
 */
import { randomBytes } from 'node:crypto';
import type { Bus } from '../../bus/bus.ts';
import { KernelError } from '../../contracts/errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Principal } from '../../security/principal.ts';
import type { VfsService } from '../../vfs/index.ts';
import { SandboxRuntime } from '../sandbox/index.ts';
import { WasiRuntime } from '../wasi/index.ts';
import { type ComputeConfig, ComputeConfigSchema } from './compute-config.ts';
import { launchSandbox, type SandboxDeps } from './sandbox-launch.ts';
import { SandboxWorkspaces } from './sandbox-workspaces.ts';
import { isBackend, MAX_STDIN_BYTES, type SpawnRequest, type VmInfo } from './vm-contracts.ts';
import { VmEvents } from './vm-events.ts';
import { resolveLimits } from './vm-limits.ts';
import { mayControl, ownerOf } from './vm-owner.ts';
import type { VmProcess } from './vm-process.ts';
import { VmRun } from './vm-run.ts';
import { VmTable } from './vm-table.ts';
import { launchWasi, type WasiDeps } from './wasi-launch.ts';

export interface ComputeServiceOptions {
  bus: Bus;
  vfs: VfsService;
  /** The `compute` config section (defaults when absent). */
  config?: ComputeConfig;
  /** Runtimes to use instead of ones built from the config (tests, the bench). */
  wasi?: WasiRuntime;
  sandbox?: SandboxRuntime;
  /** Told about every vm that started (for the audit log: DESIGN §5 audits spawns). */
  onSpawn?: (event: SpawnAudit) => void;
  /** Where the sandbox runtime reports what it found at start (orphaned guests it killed). */
  logger?: Logger;
}

export interface SpawnAudit {
  principal: string;
  vmId: string;
  backend: string;
  /** argv[0]: the module's VFS path (wasi) or the command (sandbox); arguments are left out. */
  program: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decode(data: string, encoding: 'utf8' | 'base64'): Buffer {
  if (encoding === 'base64' && (data.length % 4 !== 0 || !BASE64.test(data))) throw new KernelError('payload_invalid', 'data is not valid base64');
  const bytes = Buffer.from(data, encoding);
  if (bytes.length > MAX_STDIN_BYTES) throw new KernelError('payload_too_large', `one stdin write carries at most ${MAX_STDIN_BYTES} bytes`, { limit: MAX_STDIN_BYTES });
  return bytes;
}

export class ComputeService {
  readonly #config: ComputeConfig;
  readonly #vfs: VfsService;
  readonly #events: VmEvents;
  readonly #table: VmTable<VmRun>;
  readonly #wasi: WasiDeps;
  readonly #sandbox: SandboxDeps;
  readonly #onSpawn: ((event: SpawnAudit) => void) | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ComputeServiceOptions) {
    const config = options.config ?? ComputeConfigSchema.parse({});
    this.#config = config;
    this.#vfs = options.vfs;
    this.#events = new VmEvents(options.bus);
    this.#onSpawn = options.onSpawn;
    this.#table = new VmTable({ perOwner: config.max_vms_per_principal, total: config.max_vms_total });
    const wasi = options.wasi ?? new WasiRuntime({ poolSize: config.wasi.pool_size });
    this.#wasi = { runtime: wasi, vfs: options.vfs, maxModuleBytes: config.wasi.max_module_bytes };
    const { sandbox: sbx } = config;
    const hostUser = sbx.host_uid === undefined ? undefined : { uid: sbx.host_uid, gid: sbx.host_gid ?? sbx.host_uid };
    const sandbox =
      options.sandbox ??
      new SandboxRuntime({
        bwrapPath: sbx.bwrap_path,
        cgroups: sbx.cgroups,
        ...(hostUser === undefined ? {} : { hostUser }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      });
    this.#sandbox = {
      runtime: sandbox,
      vfs: options.vfs,
      workspaces: new SandboxWorkspaces({ dir: sbx.runtime_dir, hostUser: sandbox.hostUser }),
      stage: { maxBytes: sbx.workspace_max_bytes, maxEntries: sbx.workspace_max_entries },
    };
  }

  async spawn(caller: Principal, request: SpawnRequest): Promise<{ vmId: string }> {
    if (this.#closing !== undefined) throw new KernelError('cancelled', 'the compute service is shutting down');
    const { backend } = request;
    if (!isBackend(backend)) throw new KernelError('unsupported_backend', `unknown backend ${JSON.stringify(backend)}; backends: wasi, sandbox`, { backend });
    if (request.net === true && backend === 'sandbox' && !caller.capabilities.implies('vm.net')) {
      throw new KernelError('permission_denied', `${caller.id} lacks vm.net for a sandbox with network`, { missing: 'vm.net', hint: 'grant "vm.net" to this principal' });
    }
    const limits = resolveLimits(this.#config, caller, request.limits);
    const stdin = request.stdin === undefined ? undefined : decode(request.stdin, request.stdinEncoding);
    const owner = ownerOf(caller);
    const reservation = this.#table.reserve(owner);
    const id = randomBytes(8).toString('hex');
    const argv = backend === 'wasi' ? [request.program ?? '', ...request.args] : [...(request.command ?? []), ...request.args];
    const run = new VmRun({
      id, owner, backend, argv, cwd: request.cwd, tty: request.tty !== undefined, limits, watchIdle: backend === 'wasi', events: this.#events,
    });
    this.#table.add(id, run);
    let proc: VmProcess;
    try {
      proc = backend === 'wasi'
        ? await launchWasi(this.#wasi, caller, request, stdin, limits, run.sink)
        : await launchSandbox(this.#sandbox, id, caller, request, stdin, limits, run.sink);
    } catch (error) {
      this.#table.delete(id);
      reservation.release();
      run.abandon();
      throw error;
    }
    void run.finished.then(() => {
      this.#table.delete(id);
      reservation.release();
    });
    run.attach(proc);
    this.#onSpawn?.({ principal: caller.id, vmId: id, backend, program: argv[0] ?? '' });
    // The ack goes out when this call returns (a few microtasks on); the vm's events follow it.
    setImmediate(() => run.release());
    return { vmId: id };
  }

  stdin(caller: Principal, request: { vmId: string; data: string; encoding: 'utf8' | 'base64'; eof: boolean }): { vmId: string; bytes: number } {
    const run = this.#find(caller, request.vmId);
    const bytes = decode(request.data, request.encoding);
    if (bytes.length > 0) run.write(new Uint8Array(bytes));
    if (request.eof) run.end();
    return { vmId: run.id, bytes: bytes.length };
  }

  kill(caller: Principal, vmId: string): { vmId: string } {
    this.#find(caller, vmId).kill();
    return { vmId };
  }

  resize(caller: Principal, vmId: string, rows: number, cols: number): { vmId: string } {
    this.#find(caller, vmId).resize(rows, cols);
    return { vmId };
  }

  list(caller: Principal): VmInfo[] {
    return this.#table.values().filter((run) => mayControl(caller, run.owner)).map((run) => run.info());
  }

  /** For kernel.status: live vms and whether the sandbox backend can run here. */
  async health(): Promise<{ healthy: boolean; detail: string }> {
    const sandbox = await this.#sandbox.runtime.status();
    const detail = `${this.#table.size} vms; wasi warm ${this.#wasi.runtime.warm}; sandbox ${sandbox.available ? sandbox.mode : 'unavailable'}`;
    return { healthy: true, detail };
  }

  /** Kills every vm, waits for their exits (and write-backs), then releases the runtimes. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const runs = this.#table.values();
      for (const run of runs) run.kill();
      await Promise.all(runs.map((run) => run.finished));
      this.#wasi.runtime.close();
      await this.#sandbox.workspaces.close();
      this.#events.close();
    })();
    return this.#closing;
  }

  #find(caller: Principal, vmId: string): VmRun {
    const run = this.#table.get(vmId);
    if (run === undefined || !mayControl(caller, run.owner)) throw new KernelError('not_found', `no vm ${vmId}`, { vmId });
    return run;
  }
}
