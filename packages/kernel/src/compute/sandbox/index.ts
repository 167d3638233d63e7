/**
 * The `sandbox` compute backend: Linux commands under bubblewrap with rlimits and, where the host allows,
 * per-sandbox cgroups (DESIGN §7). See README.md for the model and its limits.
 */
export { SandboxRuntime, type SandboxNetworkStatus, type SandboxRuntimeOptions, type SandboxStatus } from './sandbox-runtime.ts';
export { grantWorkspace, type HostUser } from './host-user.ts';
export type { SweepReport } from './cgroup-host.ts';
export * from './types.ts';
