/**
 * ConfinedRoot: synchronous file operations strictly inside one host directory, safe against every known
 * escape: `..` anywhere, absolute paths (they mean the root), symlinks leading outside (refused, however
 * deep), directory/symlink swaps racing a resolution (every step is openat-style from a verified directory
 * descriptor, see resolver.ts), hardlinks to outside files (a regular file with more than one link is
 * refused: a guest cannot create one, so a second link was planted from outside), `/proc/self/root`
 * (no path can leave the root to reach it), and device files, FIFOs and sockets (only regular files and
 * directories are ever opened; O_NONBLOCK so a planted FIFO cannot hang the caller). Every opened
 * descriptor is checked again through `/proc/self/fd` before it is handed out. O_TRUNC is applied only
 * after that check, so a lost race can never truncate a file outside. Linux only: needs /proc.
 *
 * Errors are KernelErrors with `details.errno` (see errors.ts); escapes are `permission_denied` with
 * errno ENOTCAPABLE, writes to a read-only root `permission_denied` with EROFS.
 */
import fs from 'node:fs';
import { confinedError, translate } from './errors.ts';
import { joinGuest, staysInside } from './guest-path.ts';
import { at, Resolver, type Location } from './resolver.ts';

const C = fs.constants;
const WRITE_FLAGS = C.O_WRONLY | C.O_RDWR | C.O_CREAT | C.O_TRUNC | C.O_APPEND;
/** Flags for `open`: the usual combinations, as numbers (fs.constants). */
export const OPEN_READ = C.O_RDONLY;
export const OPEN_WRITE = C.O_WRONLY | C.O_CREAT | C.O_TRUNC;
export const OPEN_APPEND = C.O_WRONLY | C.O_CREAT | C.O_APPEND;
export const OPEN_DIRECTORY = C.O_RDONLY | C.O_DIRECTORY;

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';
export interface DirEntry {
  readonly name: string;
  readonly type: EntryType;
}

/** A listing entry with the facts a file browser shows (from lstat: a symlink is reported as such). */
export interface DirEntryStats extends DirEntry {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Called with the canonical guest path an operation really reaches (after expanding symlinks), before it
 * acts; throw to refuse. Lets a caller check capabilities on the resolved path, not only the spelled one.
 */
export type PathGuard = (resolvedGuestPath: string) => void;

export interface ConfinedRootOptions {
  /** Refuse every change (EROFS), e.g. for app bundles. */
  readOnly?: boolean;
}

function typeOf(entry: fs.Dirent | fs.Stats): EntryType {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

export class ConfinedRoot {
  readonly readOnly: boolean;
  /** The real host path of the root (symlinks in the host path resolved once, at construction). */
  readonly hostRoot: string;
  readonly #rootFd: number;
  readonly #resolver: Resolver;

  constructor(hostRoot: string, options: ConfinedRootOptions = {}) {
    this.readOnly = options.readOnly ?? false;
    this.hostRoot = fs.realpathSync(hostRoot);
    if (this.hostRoot === '/') throw new TypeError('ConfinedRoot: the host root directory cannot be /');
    this.#rootFd = fs.openSync(this.hostRoot, C.O_RDONLY | C.O_DIRECTORY);
    if (this.#hostPathOf(this.#rootFd) !== this.hostRoot) {
      fs.closeSync(this.#rootFd);
      throw new TypeError('ConfinedRoot needs Linux /proc/self/fd to confine paths');
    }
    this.#resolver = new Resolver(this.#rootFd, this.hostRoot);
  }

  /** Releases the root's descriptor; the object is unusable afterwards. */
  close(): void {
    fs.closeSync(this.#rootFd);
  }

  /**
   * Opens a regular file or directory and returns its descriptor (the caller closes it). `flags` are
   * fs.constants bits; the last component is followed (inside only) unless O_NOFOLLOW or O_CREAT|O_EXCL.
   */
  open(guestPath: string, flags: number, mode = 0o644, guard?: PathGuard): number {
    const writes = (flags & WRITE_FLAGS) !== 0;
    if (writes) this.#assertWritable(guestPath);
    const follow = (flags & C.O_NOFOLLOW) === 0 && (flags & (C.O_CREAT | C.O_EXCL)) !== (C.O_CREAT | C.O_EXCL);
    return this.#at(guestPath, follow, guard, (dirFd, name) => {
      if (name === null && (flags & C.O_CREAT) !== 0) {
        throw confinedError((flags & C.O_EXCL) !== 0 ? 'EEXIST' : 'EISDIR', guestPath);
      }
      const target = name === null ? at(dirFd, '.') : at(dirFd, name);
      const safeFlags = (flags & ~C.O_TRUNC) | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY;
      const fd = fs.openSync(target, safeFlags, mode);
      try {
        this.#vetDescriptor(fd, guestPath);
        if ((flags & C.O_TRUNC) !== 0 && (flags & (C.O_WRONLY | C.O_RDWR)) !== 0) fs.ftruncateSync(fd, 0);
        return fd;
      } catch (error) {
        fs.closeSync(fd);
        throw error;
      }
    });
  }

  /** Follows a last symlink (inside only). */
  stat(guestPath: string, guard?: PathGuard): fs.Stats {
    return this.#at(guestPath, true, guard, (dirFd, name) => (name === null ? fs.fstatSync(dirFd) : fs.lstatSync(at(dirFd, name))));
  }

  /** Does not follow a last symlink. */
  lstat(guestPath: string, guard?: PathGuard): fs.Stats {
    return this.#at(guestPath, false, guard, (dirFd, name) => (name === null ? fs.fstatSync(dirFd) : fs.lstatSync(at(dirFd, name))));
  }

  /** Nanosecond-precise stat for WASI (`follow` chooses stat or lstat). */
  statBigInt(guestPath: string, follow = true): fs.BigIntStats {
    return this.#at(guestPath, follow, undefined, (dirFd, name) =>
      name === null ? fs.fstatSync(dirFd, { bigint: true }) : fs.lstatSync(at(dirFd, name), { bigint: true }),
    );
  }

  /** Entries of a directory, sorted by name, without `.` and `..`. */
  readdir(guestPath: string, guard?: PathGuard): DirEntry[] {
    return this.#inDirectory(guestPath, guard, (fd) =>
      fs.readdirSync(`/proc/self/fd/${fd}`, { withFileTypes: true }).map((entry) => ({ name: entry.name, type: typeOf(entry) })),
    );
  }

  /** Like readdir, with each entry's size and modification time (one lstat per entry, beside the open directory). */
  readdirStats(guestPath: string, guard?: PathGuard): DirEntryStats[] {
    return this.#inDirectory(guestPath, guard, (fd) =>
      fs.readdirSync(`/proc/self/fd/${fd}`).flatMap((name) => {
        const stats = fs.lstatSync(at(fd, name), { throwIfNoEntry: false });
        return stats === undefined ? [] : [{ name, type: typeOf(stats), size: stats.size, mtimeMs: stats.mtimeMs }];
      }),
    );
  }

  mkdir(guestPath: string, mode = 0o755, guard?: PathGuard): void {
    this.#assertWritable(guestPath);
    this.#named(guestPath, 'EEXIST', guard, (dirFd, name) => fs.mkdirSync(at(dirFd, name), mode));
  }

  unlink(guestPath: string, guard?: PathGuard): void {
    this.#assertWritable(guestPath);
    this.#named(guestPath, 'EISDIR', guard, (dirFd, name) => fs.unlinkSync(at(dirFd, name)));
  }

  rmdir(guestPath: string, guard?: PathGuard): void {
    this.#assertWritable(guestPath);
    this.#named(guestPath, 'EBUSY', guard, (dirFd, name) => fs.rmdirSync(at(dirFd, name)));
  }

  /** Renames within this root; replaces an existing file like POSIX rename. */
  rename(fromPath: string, toPath: string, guard?: PathGuard): void {
    this.#assertWritable(fromPath);
    this.#named(fromPath, 'EBUSY', guard, (fromDir, fromName) =>
      this.#named(toPath, 'EBUSY', guard, (toDir, toName) => fs.renameSync(at(fromDir, fromName), at(toDir, toName))),
    );
  }

  /** Creates a symlink; the target must be relative and lexically stay inside the root. */
  symlink(target: string, linkPath: string): void {
    this.#assertWritable(linkPath);
    if (target === '' || target.includes('\0')) throw confinedError('EINVAL', linkPath, 'invalid symlink target');
    if (target.startsWith('/')) throw confinedError('ENOTCAPABLE', linkPath, 'absolute symlink target');
    this.#named(linkPath, 'EEXIST', undefined, (dirFd, name, dirDepth) => {
      if (!staysInside(target, dirDepth)) throw confinedError('ENOTCAPABLE', linkPath, 'symlink target leads outside the root');
      fs.symlinkSync(target, at(dirFd, name));
    });
  }

  readlink(guestPath: string, guard?: PathGuard): string {
    return this.#named(guestPath, 'EINVAL', guard, (dirFd, name) => fs.readlinkSync(at(dirFd, name)));
  }

  /** The canonical guest path (`/a/b`) after expanding every symlink; the path must exist. */
  realpathInside(guestPath: string): string {
    return this.#at(guestPath, true, undefined, (dirFd, name, _depth, names) => {
      if (name === null) return joinGuest(names);
      fs.lstatSync(at(dirFd, name));
      return joinGuest([...names, name]);
    });
  }

  /** Host path of an open descriptor, as the kernel sees it. */
  #hostPathOf(fd: number): string {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  }

  /** Refuses a descriptor that is not a single-link regular file or a directory inside the root. */
  #vetDescriptor(fd: number, guestPath: string): void {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile() && !stats.isDirectory()) throw confinedError('EACCES', guestPath, 'not a regular file or directory');
    if (stats.isFile() && stats.nlink > 1) throw confinedError('EACCES', guestPath, 'file has more than one hard link');
    const host = this.#hostPathOf(fd);
    if (host !== this.hostRoot && !host.startsWith(this.hostRoot + '/')) {
      throw confinedError('ENOTCAPABLE', guestPath, 'opened file lies outside the root');
    }
  }

  #assertWritable(guestPath: string): void {
    if (this.readOnly) throw confinedError('EROFS', guestPath);
  }

  /** Opens a directory, runs `use` on its descriptor, closes it; entries come back sorted by name. */
  #inDirectory<T extends DirEntry>(guestPath: string, guard: PathGuard | undefined, use: (fd: number) => T[]): T[] {
    const fd = this.open(guestPath, C.O_RDONLY | C.O_DIRECTORY, 0, guard);
    try {
      return use(fd).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (error) {
      throw translate(error, guestPath);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Resolves, asks the guard, runs `use` on (directory fd, last name), releases, and translates errors. */
  #at<T>(
    guestPath: string,
    follow: boolean,
    guard: PathGuard | undefined,
    use: (dirFd: number, name: string | null, depth: number, names: readonly string[]) => T,
  ): T {
    const location: Location = this.#resolver.locate(guestPath, follow);
    try {
      if (guard !== undefined) {
        const names = location.walk.names;
        guard(joinGuest(location.name === null ? names : [...names, location.name]));
      }
      return use(location.walk.dirFd, location.name, location.walk.depth, location.walk.names);
    } catch (error) {
      throw translate(error, guestPath);
    } finally {
      location.walk.release();
    }
  }

  /** Like #at without following, for operations on a name; `atDirectory` is the errno when the path is a directory itself. */
  #named<T>(guestPath: string, atDirectory: string, guard: PathGuard | undefined, use: (dirFd: number, name: string, depth: number) => T): T {
    return this.#at(guestPath, false, guard, (dirFd, name, depth) => {
      if (name === null) throw confinedError(atDirectory, guestPath);
      return use(dirFd, name, depth);
    });
  }
}
