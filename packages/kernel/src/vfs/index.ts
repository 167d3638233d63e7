/**
 * The VFS (DESIGN §7): per-principal mounts with capability checks, quotas, change events and `vfs:*`
 * contracts, over a storage backend; and ConfinedRoot, the escape-proof file primitive beneath it.
 */
export { VfsService, MAX_LIST_ENTRIES, MAX_READ_BYTES } from './vfs-service.ts';
export type { VfsEntry, VfsServiceOptions, VfsStat, WriteOptions } from './vfs-service.ts';
export { registerVfsContracts } from './register.ts';
export * as vfsContracts from './vfs-contracts.ts';
export { MAX_CHUNK_BYTES } from './content.ts';
export { CHANGED_TOPIC } from './vfs-events.ts';
export type { ChangeKind, VfsChange, WatchLimits } from './watchers.ts';
export { DEFAULT_QUOTA } from './quota.ts';
export type { Quota, QuotaConfig } from './quota.ts';
export type { MountStore, StorageBackend, Usage } from './storage-backend.ts';
export { LocalDiskBackend, LocalMountStore } from './local-backend.ts';
export { normaliseVfsPath, fsCapability } from './vfs-path.ts';
export { VfsPathSchema } from './vfs-path-schema.ts';
export { place, isVirtual, type Mount, type MountKind } from './mounts.ts';
export * from './confined/index.ts';
