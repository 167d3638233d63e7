/**
 * The mount table (DESIGN §7): where each VFS path lives. `/home/<user>`, `/workspaces/<agent>` and
 * `/apps/<name>` (read-only bundles) are one mount per name; `/shared` is one mount. `/`, `/home`,
 * `/workspaces` and `/apps` are virtual directories listing the mounts. A mount's storage id
 * (`home/alice`) is where a backend keeps it (for local disk: `<dataDir>/vfs/home/alice`).
 */
import { KernelError } from '../contracts/errors.ts';

export type MountKind = 'home' | 'workspaces' | 'shared' | 'apps';

export interface Mount {
  readonly kind: MountKind;
  /** Storage id: `home/alice`, `shared`. */
  readonly id: string;
  /** VFS path of the mount's root: `/home/alice`, `/shared`. */
  readonly path: string;
  readonly readOnly: boolean;
}

export type Placement =
  | { readonly kind: 'virtual'; readonly path: string; readonly collection: MountKind | null }
  | { readonly kind: 'mount'; readonly mount: Mount; /** Path inside the mount, `/` for its root. */ readonly rel: string };

/** Top-level names and whether each holds one mount per name. */
const COLLECTIONS: Readonly<Record<string, MountKind>> = { home: 'home', workspaces: 'workspaces', apps: 'apps' };
export const TOP_LEVEL = ['apps', 'home', 'shared', 'workspaces'] as const;
const MOUNT_NAME = /^[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,127}$/;

export function isMountName(name: string): boolean {
  return MOUNT_NAME.test(name);
}

export function mountOf(kind: MountKind, name: string | null): Mount {
  if (kind === 'shared') return { kind, id: 'shared', path: '/shared', readOnly: false };
  if (name === null || !isMountName(name)) throw new KernelError('payload_invalid', `invalid ${kind} name ${JSON.stringify(name)}`);
  return { kind, id: `${kind}/${name}`, path: `/${kind}/${name}`, readOnly: kind === 'apps' };
}

/** Where a canonical VFS path lives. Throws not_found for a path outside every mount. */
export function place(path: string): Placement {
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const [top, name, ...rest] = parts;
  if (top === undefined) return { kind: 'virtual', path, collection: null };
  if (top === 'shared') return { kind: 'mount', mount: mountOf('shared', null), rel: '/' + [name, ...rest].filter((p) => p !== undefined).join('/') };
  const collection = COLLECTIONS[top];
  if (collection === undefined) throw new KernelError('not_found', `no such file or directory: ${path}`, { path, errno: 'ENOENT' });
  if (name === undefined) return { kind: 'virtual', path, collection };
  if (!isMountName(name)) throw new KernelError('not_found', `no such file or directory: ${path}`, { path, errno: 'ENOENT' });
  return { kind: 'mount', mount: mountOf(collection, name), rel: '/' + rest.join('/') };
}

/** True for `/`, `/home`, `/workspaces`, `/apps`: directories made of mounts, not stored anywhere. */
export function isVirtual(path: string): boolean {
  return path === '/' || path === '/home' || path === '/workspaces' || path === '/apps';
}
