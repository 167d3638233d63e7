/**
 * Compute (DESIGN §7): the `vm.*` service and its two backends — `wasi` (our preview1 host in a killable
 * runner) and `sandbox` (Linux commands under bubblewrap).
 */
export * from './service/index.ts';
export { WasiRuntime, type WasiRuntimeOptions } from './wasi/index.ts';
export { SandboxRuntime, type SandboxRuntimeOptions, type SandboxStatus } from './sandbox/index.ts';
