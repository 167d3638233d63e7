/**
 * The confined file primitive: synchronous operations strictly inside one host directory (for the VFS's
 * local-disk backend and the WASI host). See confined-root.ts for the guarantees and errors.ts for errnos.
 */
export { ConfinedRoot, OPEN_APPEND, OPEN_DIRECTORY, OPEN_READ, OPEN_WRITE } from './confined-root.ts';
export type { ConfinedRootOptions, DirEntry, DirEntryStats, EntryType, PathGuard } from './confined-root.ts';
export { confinedError } from './errors.ts';
export { MAX_NAME_BYTES, MAX_PATH_BYTES } from './guest-path.ts';
