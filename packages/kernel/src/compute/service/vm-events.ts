/**
 * The events of one vm, in order on one bus stream `vm:<id>` (so `_seq` numbers them across topics):
 * `vm.stdout` / `vm.stderr` chunks (droppable for a slow consumer; UTF-8 text when the chunk is valid
 * UTF-8, else base64, said by `encoding`), then at most one `vm.error` (a limit breach), then exactly one
 * `vm.exit`, after which the stream ends. Every event is stamped `_owner` so that only its owner (and
 * principals acting for it, and observers) receive it (ingress/event-visibility.ts).
 */
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import type { Bus, BusClient } from '../../bus/bus.ts';
import { OWNER, type Payload } from '../../bus/envelope.ts';

export const STDOUT_TOPIC = 'vm.stdout';
export const STDERR_TOPIC = 'vm.stderr';
export const ERROR_TOPIC = 'vm.error';
export const EXIT_TOPIC = 'vm.exit';

/** Largest piece of output one event carries, bytes. */
export const MAX_OUTPUT_CHUNK = 64 * 1024;

export const OutputEvent = z.object({ vmId: z.string(), data: z.string(), encoding: z.enum(['utf8', 'base64']) });

export const ErrorEvent = z.object({
  vmId: z.string(),
  code: z.enum(['timeout', 'resource_exceeded']),
  error: z.string(),
  /** Which limit: wall, idle, output, memory, cpu, processes, file. */
  limit: z.string(),
});

export const VmUsage = z.object({
  wallMs: z.number(),
  outputBytes: z.number(),
  cpuMs: z.number().optional(),
  maxRssKb: z.number().optional(),
  /** sandbox: how limits were enforced (cgroup-v2, cgroup-v1, rlimit). */
  mode: z.string().optional(),
});
export type VmUsage = z.infer<typeof VmUsage>;

export const SyncReport = z.object({
  written: z.number(),
  deleted: z.number(),
  /** Paths not written back, and why (a symlink, a conflict with a change made meanwhile, a refusal). */
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type SyncReport = z.infer<typeof SyncReport>;

export const ExitEvent = z.object({
  vmId: z.string(),
  /** Exit status, or null when the program did not exit by itself. */
  code: z.number().nullable(),
  signal: z.string().nullable(),
  /** Set with a breach (after the matching vm.error) or when the program could not run. */
  reason: z.string().optional(),
  message: z.string().optional(),
  usage: VmUsage,
  /** sandbox with a VFS workspace: what was written back. */
  sync: SyncReport.optional(),
});
export type ExitEvent = z.infer<typeof ExitEvent>;

export type ErrorEvent = z.infer<typeof ErrorEvent>;

export class VmEvents {
  readonly #bus: Bus;
  readonly #client: BusClient;

  constructor(bus: Bus) {
    this.#bus = bus;
    this.#client = bus.connect({ id: `kernel:compute:${crypto.randomUUID()}`, onMessage: () => {} });
  }

  output(vmId: string, owner: string, stream: 'stdout' | 'stderr', bytes: Uint8Array): void {
    const topic = stream === 'stdout' ? STDOUT_TOPIC : STDERR_TOPIC;
    for (let at = 0; at < bytes.length; at += MAX_OUTPUT_CHUNK) {
      const piece = Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(MAX_OUTPUT_CHUNK, bytes.length - at));
      const text = isUtf8(piece);
      this.#publish(topic, vmId, owner, { data: piece.toString(text ? 'utf8' : 'base64'), encoding: text ? 'utf8' : 'base64' }, true);
    }
  }

  error(vmId: string, owner: string, event: Omit<ErrorEvent, 'vmId'>): void {
    this.#publish(ERROR_TOPIC, vmId, owner, event, false);
  }

  /** The last event of the vm; its stream counter is forgotten after it. */
  exit(vmId: string, owner: string, event: Omit<ExitEvent, 'vmId'>): void {
    this.#publish(EXIT_TOPIC, vmId, owner, event, false);
    this.#bus.endStream(streamOf(vmId));
  }

  close(): void {
    this.#client.close();
  }

  #publish(topic: string, vmId: string, owner: string, body: object, droppable: boolean): void {
    if (this.#client.closed) return;
    const payload: Payload = { vmId, ...body, [OWNER]: owner };
    this.#client.publish(topic, payload, { stream: streamOf(vmId), droppable });
  }
}

export function streamOf(vmId: string): string {
  return `vm:${vmId}`;
}
