/**
 * Where mounts keep their bytes. The VFS service speaks only this interface: local disk now
 * (local-backend.ts, over ConfinedRoot), an object store later. Paths given to a MountStore are
 * canonical paths inside the mount (`/docs/a.txt`, `/` for its root). Every method that takes a
 * `guard` calls it with the path really reached (after symlinks) before acting, so the service can
 * check capabilities on it. Errors are KernelErrors (with `details.errno` where POSIX has one).
 */
import type { PathGuard } from './confined/confined-root.ts';

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface EntryInfo {
  readonly name: string;
  readonly type: EntryType;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface StatInfo {
  readonly type: EntryType;
  readonly size: number;
  readonly mtimeMs: number;
  readonly mode: number;
}

/** Space a mount uses: bytes of regular files, and entries (files, directories, links) below its root. */
export interface Usage {
  bytes: number;
  entries: number;
}

export type WriteMode = { readonly kind: 'replace' } | { readonly kind: 'append' } | { readonly kind: 'at'; readonly offset: number };

/** What a write is about to do, for a quota decision before any byte is written. */
export interface PlannedWrite {
  readonly created: boolean;
  readonly previousSize: number;
  readonly newSize: number;
}

export interface WriteResult extends PlannedWrite {
  readonly bytes: number;
}

export interface MountStore {
  readonly readOnly: boolean;
  stat(rel: string, guard?: PathGuard): Promise<StatInfo>;
  /** Up to `length` bytes from `offset`, and the file's size. */
  read(rel: string, offset: number, length: number, guard?: PathGuard): Promise<{ data: Buffer; size: number }>;
  /** Writes `data`; `admit` sees the plan first and throws to refuse it (quotas). */
  write(rel: string, data: Uint8Array, mode: WriteMode, options: { exclusive: boolean; admit: (plan: PlannedWrite) => void; guard?: PathGuard }): Promise<WriteResult>;
  list(rel: string, guard?: PathGuard): Promise<EntryInfo[]>;
  /**
   * Creates a directory (and its missing parents when `recursive`); `admit` sees how many directories it
   * is about to create and throws to refuse. Resolves with how many it created (0: it already existed).
   */
  mkdir(rel: string, options: { recursive: boolean; admit: (entries: number) => void; guard?: PathGuard }): Promise<number>;
  /** Removes a file, link or (when `recursive`, non-empty) directory; says what it was and what it freed. */
  remove(rel: string, options: { recursive: boolean; guard?: PathGuard }): Promise<{ type: EntryType; freed: Usage }>;
  /** Renames inside the mount; says what moved and what a replaced target freed. */
  rename(from: string, to: string, options: { overwrite: boolean; guard?: PathGuard }): Promise<{ type: EntryType; freed: Usage }>;
  /** Measures the whole mount (slow: walks it). */
  usage(): Promise<Usage>;
  close(): void;
}

export interface StorageBackend {
  readonly name: string;
  /** Opens a mount by storage id (`home/alice`); undefined when it does not exist and `create` is false. */
  open(id: string, options: { readOnly: boolean; create: boolean }): MountStore | undefined;
  /**
   * The host directory of a mount, for backends that have one (local disk), so a sandbox in another
   * process can open its own ConfinedRoot there; undefined otherwise, or when missing and not `create`.
   */
  hostDir?(id: string, create: boolean): string | undefined;
  /** Names of the existing mounts of a collection (`home` → `['alice', 'bob']`). */
  names(collection: string): string[];
  close(): void;
}
