/**
 * The `vm.*` compute service (DESIGN §7): contracts, the service over the wasi and sandbox backends, its
 * config section, and the stream events it publishes.
 */
export { ComputeService, type ComputeServiceOptions, type SpawnAudit } from './compute-service.ts';
export { registerComputeContracts } from './register.ts';
export { ComputeConfigSchema, type ComputeConfig, type ComputeConfigInput, type VmLimits } from './compute-config.ts';
export * as vmContracts from './vm-contracts.ts';
export { ERROR_TOPIC, EXIT_TOPIC, STDERR_TOPIC, STDOUT_TOPIC, ErrorEvent, ExitEvent, OutputEvent, SyncReport, VmUsage } from './vm-events.ts';
