/**
 * How the kernel (parent), the runner process and the guest's worker talk. The hot path avoids the
 * runner's main thread entirely: the kernel writes the RunSpec into the runner's fd 0, where the worker
 * is already blocked reading it; the worker writes guest output straight to two pipes and, when the guest
 * ends, one JSON Outcome to a status pipe, then closes all three. IPC carries only what is not urgent:
 * the runner's `ready`, and guest stdin (which the main thread feeds into the shared stdin channel).
 */
import type { MemoryImport } from './module-limits.ts';

/** Runner descriptors: 0 the RunSpec, 1–2 the runner's own, 3 IPC, then guest output and the status. */
export const SPEC_FD = 0;
export const GUEST_STDOUT_FD = 4;
export const GUEST_STDERR_FD = 5;
export const STATUS_FD = 6;

export interface PreopenSpec {
  guest: string;
  host: string;
  readOnly: boolean;
}

export interface RunSpec {
  module: Uint8Array;
  wasiImports: string[];
  memoryImports: MemoryImport[];
  args: string[];
  env: Record<string, string>;
  preopens: PreopenSpec[];
  tty: boolean;
  /** Output bytes (stdout + stderr) the guest may write before it is stopped; null for no limit. */
  outputBytes: number | null;
}

export type ParentMessage = { type: 'stdin'; data: Uint8Array } | { type: 'stdin-end' };

/** How a guest ended, as the runner saw it. */
export type Outcome =
  | { type: 'exit'; code: number }
  | { type: 'trap'; message: string }
  | { type: 'invalid'; message: string }
  | { type: 'limit'; limit: 'output' | 'memory'; message: string };

export type RunnerMessage = { type: 'ready' };

export function isOutcome(message: unknown): message is Outcome {
  if (typeof message !== 'object' || message === null) return false;
  const type = (message as { type?: unknown }).type;
  return type === 'exit' || type === 'trap' || type === 'invalid' || type === 'limit';
}

/** The RunSpec on the wire: u32 header length, JSON header, then the module bytes. */
export function encodeSpec(spec: RunSpec): Uint8Array {
  const { module, ...rest } = spec;
  const header = new TextEncoder().encode(JSON.stringify({ ...rest, moduleBytes: module.length }));
  const out = new Uint8Array(4 + header.length + module.length);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  out.set(module, 4 + header.length);
  return out;
}

/** Reads one RunSpec with `read(n)`, which returns exactly n bytes (or throws at end of input). */
export function decodeSpec(read: (n: number) => Uint8Array): RunSpec {
  const length = new DataView(read(4).buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(read(length))) as Omit<RunSpec, 'module'> & { moduleBytes: number };
  const { moduleBytes, ...rest } = header;
  return { ...rest, module: read(moduleBytes) };
}
