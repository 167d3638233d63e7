/**
 * The `compute` section of the kernel configuration (proposed for ConfigSchema as `compute:`): default
 * limits of a vm, the most any principal may ask for (with per-principal overrides, by principal id),
 * how many vms may run per owner and in all, and the backends' own settings. Keys are snake_case as in
 * the rest of the config file; `resolveLimits` turns a request's camelCase limits into checked numbers.
 */
import { z } from 'zod';

const ms = z.number().int().min(1).max(7 * 24 * 3_600_000);
const bytes = z.number().int().min(64 * 1024).max(64 * 1024 ** 3);

/** One set of limits in config form; every key optional so a section can override a few. */
export const VmLimitsConfigSchema = z
  .object({
    /** Wall-clock time from spawn → `timeout` (limit `wall`). */
    wall_ms: ms.optional(),
    /** Longest stretch without output → `timeout` (limit `idle`); 0 disables. */
    idle_ms: z.number().int().min(0).max(7 * 24 * 3_600_000).optional(),
    /** wasi: linear memory cap; sandbox: address space per process and the tree's cgroup memory. */
    memory_bytes: bytes.optional(),
    /** stdout + stderr bytes → `resource_exceeded` (limit `output`). */
    output_bytes: z.number().int().min(1).max(1024 ** 3).optional(),
    /** sandbox only: CPU seconds (per process, and the whole tree under cgroups). */
    cpu_seconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
    /** sandbox only: processes and threads. */
    processes: z.number().int().min(1).max(4096).optional(),
  })
  .strict();
export type VmLimitsConfig = z.infer<typeof VmLimitsConfigSchema>;

export const SandboxComputeConfigSchema = z
  .object({
    /** bubblewrap binary. */
    bwrap_path: z.string().min(1).default('/usr/bin/bwrap'),
    /** Per-sandbox cgroups where the host allows them (false forces the weaker rlimit mode). */
    cgroups: z.boolean().default(true),
    /** Host uid/gid sandboxes run as when the kernel is root (default nobody, 65534). Prefer a dedicated one. */
    host_uid: z.number().int().min(1).max(2 ** 31).optional(),
    host_gid: z.number().int().min(1).max(2 ** 31).optional(),
    /**
     * Where sandbox workspaces are staged (see sandbox-workspaces.ts). Must be reachable by the host user;
     * default: a fresh directory under the system temporary directory.
     */
    runtime_dir: z.string().min(1).optional(),
    /** Most bytes of file content staged from a VFS directory into one sandbox. */
    workspace_max_bytes: z.number().int().min(0).max(64 * 1024 ** 3).default(256 * 1024 * 1024),
    /** Most entries (files and directories) staged into one sandbox. */
    workspace_max_entries: z.number().int().min(0).max(1_000_000).default(10_000),
  })
  .strict();

export const WasiComputeConfigSchema = z
  .object({
    /** Warm runner processes kept started. */
    pool_size: z.number().int().min(0).max(64).default(2),
    /** Largest .wasm module a vm may load, bytes. */
    max_module_bytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(64 * 1024 * 1024),
  })
  .strict();

export const ComputeConfigSchema = z
  .object({
    /** Limits of a vm whose request leaves them out. */
    defaults: VmLimitsConfigSchema.default({}),
    /** The most a request may ask for: `default` for everyone, `principals` by id (`user:alice`). */
    maxima: z
      .object({
        default: VmLimitsConfigSchema.default({}),
        principals: z.record(z.string().min(1).max(200), VmLimitsConfigSchema).default({}),
      })
      .strict()
      .default({ default: {}, principals: {} }),
    /** Live vms one owner may have (a token's vms count for its user). */
    max_vms_per_principal: z.number().int().min(1).max(10_000).default(8),
    /** Live vms on this kernel. */
    max_vms_total: z.number().int().min(1).max(100_000).default(64),
    sandbox: SandboxComputeConfigSchema.default(SandboxComputeConfigSchema.parse({})),
    wasi: WasiComputeConfigSchema.default(WasiComputeConfigSchema.parse({})),
  })
  .strict();

export type ComputeConfig = z.infer<typeof ComputeConfigSchema>;
export type ComputeConfigInput = z.input<typeof ComputeConfigSchema>;

/** Limits in effect for one vm (camelCase, as on the wire). */
export interface VmLimits {
  wallMs: number;
  idleMs: number;
  memoryBytes: number;
  outputBytes: number;
  cpuSeconds: number;
  processes: number;
}

export const BUILT_IN_DEFAULTS: VmLimits = {
  wallMs: 60_000,
  idleMs: 0,
  memoryBytes: 256 * 1024 * 1024,
  outputBytes: 8 * 1024 * 1024,
  cpuSeconds: 60,
  processes: 64,
};

export const BUILT_IN_MAXIMA: VmLimits = {
  wallMs: 3_600_000,
  idleMs: 3_600_000,
  memoryBytes: 1024 * 1024 * 1024,
  outputBytes: 64 * 1024 * 1024,
  cpuSeconds: 3600,
  processes: 256,
};

/** Config form → wire form, keeping only the keys present. */
export function fromConfig(section: VmLimitsConfig): Partial<VmLimits> {
  const out: Partial<VmLimits> = {};
  if (section.wall_ms !== undefined) out.wallMs = section.wall_ms;
  if (section.idle_ms !== undefined) out.idleMs = section.idle_ms;
  if (section.memory_bytes !== undefined) out.memoryBytes = section.memory_bytes;
  if (section.output_bytes !== undefined) out.outputBytes = section.output_bytes;
  if (section.cpu_seconds !== undefined) out.cpuSeconds = section.cpu_seconds;
  if (section.processes !== undefined) out.processes = section.processes;
  return out;
}
