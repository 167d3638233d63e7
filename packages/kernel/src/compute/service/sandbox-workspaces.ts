/**
 * Host directories for sandbox workspaces, outside the VFS's storage. Why: when the kernel runs as root,
 * bubblewrap runs as an unprivileged host user (nobody by default), and bubblewrap resolves every bind
 * source with realpath() as that user — so the workspace and all of its ancestors must be searchable by
 * it. The default data directory `~/.aether` under `/root` (0700) never is, and opening the directory
 * ourselves does not help: bubblewrap 0.8 realpath()s `--bind-fd`'s `/proc/self/fd/N` too (measured:
 * "Can't find source path /proc/self/fd/3: Permission denied"). Loosening `/root` or the data directory
 * would expose every user's files to that host user. So each sandbox gets a fresh directory here:
 *
 *   <tmpdir or compute.sandbox.runtime_dir>/aether-vm-<pid>-XXXXXX   0711, the kernel's: searchable, not listable
 *     <vmId>/                                                         0700, handed to the host user for the run
 *
 * The VFS directory a caller names is staged into it and written back at exit through the VFS, as the
 * caller (workspace-stage.ts, workspace-sync.ts), so capabilities, quotas and change events hold for
 * everything a sandbox writes, and no guest-made name is ever on the path bubblewrap resolves. Before the
 * write-back the directory is taken back from the host user. Directories left by a kernel that died are
 * removed when the next one starts.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KernelError } from '../../contracts/errors.ts';
import { grantWorkspace, type HostUser } from '../sandbox/index.ts';

const PREFIX = 'aether-vm-';

function searchable(stats: { uid: number; gid: number; mode: number }, user: HostUser): boolean {
  if (stats.uid === user.uid) return (stats.mode & 0o100) !== 0;
  if (stats.gid === user.gid) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}

/** Throws unsupported_backend naming the first ancestor of `dir` the host user cannot search. */
async function checkReachable(dir: string, user: HostUser): Promise<void> {
  for (let at = dir; ; at = path.dirname(at)) {
    if (!searchable(await fs.stat(at), user)) {
      throw new KernelError('unsupported_backend', `sandbox workspaces: ${at} is not searchable by the sandbox user ${user.uid}; set compute.sandbox.runtime_dir`, { backend: 'sandbox' });
    }
    if (at === path.dirname(at)) return;
  }
}

/** Removes workspace roots of kernels that are gone (their pid no longer runs). */
async function sweep(base: string): Promise<void> {
  const uid = process.getuid?.();
  for (const name of await fs.readdir(base).catch(() => [] as string[])) {
    const pid = Number(/^aether-vm-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    const stats = await fs.lstat(path.join(base, name)).catch(() => undefined);
    if (stats?.isDirectory() === true && stats.uid === uid) await fs.rm(path.join(base, name), { recursive: true, force: true });
  }
}

export class SandboxWorkspaces {
  readonly #base: string;
  readonly #configured: boolean;
  readonly #hostUser: HostUser | undefined;
  #root: Promise<string> | undefined;

  constructor(options: { dir?: string | undefined; hostUser: HostUser | undefined }) {
    this.#base = path.resolve(options.dir ?? os.tmpdir());
    this.#configured = options.dir !== undefined;
    this.#hostUser = options.hostUser;
  }

  /** A fresh, empty directory for one vm (owned by the kernel until `handOver`). */
  async create(vmId: string): Promise<string> {
    const dir = path.join(await this.#ensureRoot(), vmId);
    await fs.mkdir(dir, { mode: 0o700 });
    return dir;
  }

  /** Gives the staged tree to the sandbox's host user. */
  async handOver(dir: string): Promise<void> {
    await grantWorkspace(dir, this.#hostUser);
  }

  /** Takes the directory back after the run, so nothing else running as the host user can reach into it. */
  async reclaim(dir: string): Promise<void> {
    if (this.#hostUser === undefined) return;
    await fs.lchown(dir, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    await fs.chmod(dir, 0o700);
  }

  async remove(dir: string): Promise<void> {
    await fs.rm(dir, { recursive: true, force: true });
  }

  /** Removes this kernel's root (after every vm ended). */
  async close(): Promise<void> {
    const root = this.#root;
    this.#root = undefined;
    if (root !== undefined) await fs.rm(await root.catch(() => ''), { recursive: true, force: true }).catch(() => undefined);
  }

  #ensureRoot(): Promise<string> {
    this.#root ??= (async () => {
      if (this.#configured) await this.#checkBase();
      await sweep(this.#base);
      const root = await fs.mkdtemp(path.join(this.#base, `${PREFIX}${process.pid}-`));
      await fs.chmod(root, 0o711);
      if (this.#hostUser !== undefined) await checkReachable(root, this.#hostUser);
      return root;
    })();
    const root = this.#root;
    // A failed setup is retried by the next spawn rather than remembered.
    root.catch(() => {
      if (this.#root === root) this.#root = undefined;
    });
    return root;
  }

  /** A configured base must be a real directory of ours that nobody else can write. */
  async #checkBase(): Promise<void> {
    await fs.mkdir(this.#base, { recursive: true, mode: 0o711 });
    const stats = await fs.lstat(this.#base);
    if (!stats.isDirectory() || stats.uid !== (process.getuid?.() ?? stats.uid) || (stats.mode & 0o022) !== 0) {
      throw new KernelError('unsupported_backend', `compute.sandbox.runtime_dir ${this.#base} must be a directory owned by the kernel's user and not writable by others`, { backend: 'sandbox' });
    }
  }
}
