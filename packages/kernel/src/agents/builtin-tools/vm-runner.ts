/**
 * Running one program to completion for a tool: spawn a vm as the caller through the ComputeService,
 * gather its stdout and stderr (bounded: head and tail kept, see output-capture.ts), its limit breach if
 * any, and its exit, and kill it if the tool call is stopped. The ComputeService reports output and exits
 * only as `vm.*` bus events, so one bus client here listens to them for every run and routes them by vm
 * id; events that arrive while a spawn is still being acknowledged are held briefly so none is missed.
 */
import { randomUUID } from 'node:crypto';
import type { Bus, BusClient } from '../../bus/bus.ts';
import type { Envelope } from '../../bus/envelope.ts';
import { ERROR_TOPIC, ErrorEvent, EXIT_TOPIC, ExitEvent, OutputEvent, STDERR_TOPIC, STDOUT_TOPIC, vmContracts } from '../../compute/index.ts';
import type { ComputeService } from '../../compute/index.ts';
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import { OutputCapture } from './output-capture.ts';

export interface VmRunRequest {
  backend: 'wasi' | 'sandbox';
  /** wasi: VFS path of the module. */
  program?: string;
  /** sandbox: argv. */
  command?: string[];
  args: string[];
  stdin?: string;
  cwd?: string;
  wallMs?: number;
}

export interface VmRunResult {
  vmId: string;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutBytes: number;
  stderrBytes: number;
  /** A limit breach (`timeout`, `resource_exceeded`) or why the program could not run. */
  reason?: string;
  /** Which limit was breached: wall, idle, output, memory, cpu, processes. */
  limit?: string;
  message?: string;
  wallMs: number;
  sync?: ExitEvent['sync'];
}

export interface VmRunner {
  run(caller: Principal, request: VmRunRequest, signal: AbortSignal): Promise<VmRunResult>;
}

interface Collector {
  stdout: OutputCapture;
  stderr: OutputCapture;
  error?: ErrorEvent;
  exit?: ExitEvent;
  finished: Promise<void>;
  done(): void;
}

export interface ComputeVmRunnerOptions {
  compute: Pick<ComputeService, 'spawn' | 'kill'>;
  bus: Bus;
  /** Bytes kept from the start and from the end of each stream. */
  headBytes?: number;
  tailBytes?: number;
}

/** Output held for vms whose spawn is not acknowledged yet (bytes of event data, all vms together). */
const MAX_EARLY_BYTES = 4 * 1024 * 1024;

export class ComputeVmRunner implements VmRunner {
  readonly #options: ComputeVmRunnerOptions;
  readonly #collectors = new Map<string, Collector>();
  readonly #early = new Map<string, Envelope[]>();
  #earlyBytes = 0;
  #spawning = 0;
  #client: BusClient | undefined;

  constructor(options: ComputeVmRunnerOptions) {
    this.#options = options;
  }

  async run(caller: Principal, request: VmRunRequest, signal: AbortSignal): Promise<VmRunResult> {
    if (signal.aborted) throw new KernelError('cancelled', 'the call was stopped before the program started');
    this.#listen();
    const parsed = vmContracts.SpawnRequest.safeParse({
      backend: request.backend,
      ...(request.program === undefined ? {} : { program: request.program }),
      ...(request.command === undefined ? {} : { command: request.command }),
      args: request.args,
      ...(request.stdin === undefined ? {} : { stdin: request.stdin }),
      keepStdinOpen: false,
      ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
      ...(request.wallMs === undefined ? {} : { limits: { wallMs: request.wallMs } }),
    });
    if (!parsed.success) throw new KernelError('payload_invalid', `the compute service would not take this run: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const spawnRequest = parsed.data;
    this.#spawning += 1;
    let collector: Collector;
    let vmId: string;
    try {
      vmId = (await this.#options.compute.spawn(caller, spawnRequest)).vmId;
      collector = this.#register(vmId);
    } finally {
      this.#spawned();
    }
    await this.#wait(vmId, collector, caller, signal);
    const exit = collector.exit as ExitEvent;
    const reason = collector.error?.code ?? exit.reason;
    const message = exit.message ?? collector.error?.error;
    return {
      vmId,
      exitCode: exit.code,
      signal: exit.signal,
      stdout: collector.stdout.text(),
      stderr: collector.stderr.text(),
      stdoutBytes: collector.stdout.total,
      stderrBytes: collector.stderr.total,
      ...(reason === undefined ? {} : { reason }),
      ...(collector.error === undefined ? {} : { limit: collector.error.limit }),
      ...(message === undefined ? {} : { message }),
      wallMs: exit.usage.wallMs,
      ...(exit.sync === undefined ? {} : { sync: exit.sync }),
    };
  }

  /** Stops listening; runs still waiting end as cancelled. */
  close(): void {
    this.#client?.close();
    this.#client = undefined;
    for (const collector of this.#collectors.values()) collector.done();
  }

  /** Starts collecting `vmId`'s events, beginning with any that arrived before its spawn was acknowledged. */
  #register(vmId: string): Collector {
    const { headBytes = 12 * 1024, tailBytes = 12 * 1024 } = this.#options;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const collector: Collector = { stdout: new OutputCapture(headBytes, tailBytes), stderr: new OutputCapture(headBytes, tailBytes), finished, done };
    this.#collectors.set(vmId, collector);
    for (const envelope of this.#early.get(vmId) ?? []) this.#apply(collector, envelope);
    this.#early.delete(vmId);
    return collector;
  }

  /** A spawn was acknowledged or failed; with none in flight, held events can only be other callers'. */
  #spawned(): void {
    this.#spawning -= 1;
    if (this.#spawning === 0) {
      this.#early.clear();
      this.#earlyBytes = 0;
    }
  }

  async #wait(vmId: string, collector: Collector, caller: Principal, signal: AbortSignal): Promise<void> {
    const kill = (): void => {
      try {
        this.#options.compute.kill(caller, vmId);
      } catch {
        // Already gone: its exit is on its way or has arrived.
      }
    };
    signal.addEventListener('abort', kill, { once: true });
    // Stopped while the spawn was being acknowledged: the listener above will not fire for that.
    if (signal.aborted) kill();
    try {
      if (collector.exit === undefined) await collector.finished;
    } finally {
      signal.removeEventListener('abort', kill);
      this.#collectors.delete(vmId);
    }
    if (collector.exit === undefined) throw new KernelError('cancelled', `stopped waiting for vm ${vmId}: the kernel is shutting down`);
    if (signal.aborted) throw new KernelError('cancelled', `vm ${vmId} was killed because the call was stopped`);
  }

  #listen(): void {
    if (this.#client !== undefined && !this.#client.closed) return;
    const client = this.#options.bus.connect({
      id: `kernel:agent-tools:vm:${randomUUID()}`,
      queueLimit: 1 << 16,
      onMessage: (envelope) => this.#route(envelope),
      onOverflow: () => this.close(),
    });
    for (const topic of [STDOUT_TOPIC, STDERR_TOPIC, ERROR_TOPIC, EXIT_TOPIC]) client.subscribe(topic);
    this.#client = client;
  }

  #route(envelope: Envelope): void {
    const vmId = envelope.payload?.vmId;
    if (typeof vmId !== 'string') return;
    const collector = this.#collectors.get(vmId);
    if (collector !== undefined) {
      this.#apply(collector, envelope);
      return;
    }
    if (this.#spawning === 0) return;
    const data = envelope.payload?.data;
    const size = 256 + (typeof data === 'string' ? data.length : 0);
    if (this.#earlyBytes + size > MAX_EARLY_BYTES) return;
    const held = this.#early.get(vmId) ?? [];
    held.push(envelope);
    this.#early.set(vmId, held);
    this.#earlyBytes += size;
  }

  #apply(collector: Collector, envelope: Envelope): void {
    if (envelope.topic === STDOUT_TOPIC || envelope.topic === STDERR_TOPIC) {
      const output = OutputEvent.safeParse(envelope.payload);
      if (!output.success) return;
      const target = envelope.topic === STDOUT_TOPIC ? collector.stdout : collector.stderr;
      target.push(Buffer.from(output.data.data, output.data.encoding));
    } else if (envelope.topic === ERROR_TOPIC) {
      const error = ErrorEvent.safeParse(envelope.payload);
      if (error.success) collector.error = error.data;
    } else if (envelope.topic === EXIT_TOPIC) {
      const exit = ExitEvent.safeParse(envelope.payload);
      if (!exit.success) return;
      collector.exit = exit.data;
      collector.done();
    }
  }
}
