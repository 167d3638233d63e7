/**
 * The WASI backend of the compute service (DESIGN §7): our own preview1 host, the guest in a worker
 * inside a killable runner process, memory capped by module rewrite, a warm pool, and the `wasi run` CLI.
 */
export { WasiRuntime } from './runtime.ts';
export type { WasiLimits, WasiPreopen, WasiRuntimeOptions, WasiSpawnSpec } from './runtime.ts';
export { WasiProcess } from './wasi-process.ts';
export type { ExitReason, WasiExit } from './wasi-process.ts';
export { parseWasiArgs, runWasiCli } from './cli.ts';
