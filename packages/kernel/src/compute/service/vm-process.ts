/**
 * What the service needs of a running program, whatever the backend: its standard input, kill, terminal
 * resize, and one normalised exit (code or signal, the breached limit, usage, and for a sandbox with a
 * VFS workspace what was written back). Backends deliver output through the sink they were launched
 * with, every chunk before `exit` resolves.
 */
import type { SyncReport, VmUsage } from './vm-events.ts';

export type OutputSink = (stream: 'stdout' | 'stderr', bytes: Uint8Array) => void;

export interface VmExitStatus {
  code: number | null;
  signal: string | null;
  /** `timeout` / `resource_exceeded` for a breach (with `limit`); `payload_invalid` for a module refused at run time. */
  reason?: string;
  limit?: string;
  message?: string;
  usage: VmUsage;
  sync?: SyncReport;
}

export interface VmProcess {
  write(data: Uint8Array): void;
  /** Ends standard input. */
  end(): void;
  /** SIGKILLs the run; `exit` then resolves. Idempotent. */
  kill(): void;
  resize(rows: number, cols: number): void;
  readonly exit: Promise<VmExitStatus>;
}
