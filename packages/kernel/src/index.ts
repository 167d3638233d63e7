/**
 * @aether/kernel: the bus, contracts, security, store, audit and every service. No HTTP, no UI.
 */
export * from './bus/bus.ts';
export * from './bus/envelope.ts';
export * from './bus/topics.ts';
export { InProcessBus } from './bus/in-process-bus.ts';
export { NatsBus } from './bus/nats-bus.ts';
export * from './contracts/errors.ts';
export * from './contracts/contract.ts';
export * from './contracts/registry.ts';
export * from './config/config.ts';
export * from './config/load-config.ts';
export { Connection } from './ingress/connection.ts';
export type { ConnectOptions } from './ingress/ingress.ts';
export * from './security/principal.ts';
export { CapabilitySet } from './security/capability-set.ts';
export { createLogger, silentLogger, type Logger } from './observability/logger.ts';
export type { KernelStatus } from './system/status-contract.ts';
export { createKernel, type Kernel, type KernelOptions } from './kernel.ts';
export { KERNEL_VERSION } from './version.ts';
export { createIdentity, type Identity } from './identity/identity.ts';
export { registerIdentityContracts } from './identity/identity-contracts.ts';
export type { Authenticator } from './identity/authenticator.ts';
export { SETUP_TOKEN_FILE } from './identity/setup-token.ts';
export { openStore, type Store } from './store/store.ts';
export { AdminToken } from './security/admin-token.ts';
export { canSee, canSeeEvent } from './ingress/event-visibility.ts';
export * from './compute/index.ts';
export * from './models/index.ts';
export { VfsService, registerVfsContracts } from './vfs/index.ts';
export * from './agents/index.ts';
