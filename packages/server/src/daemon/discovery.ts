/**
 * Daemon discovery (DESIGN §12): while aetherd runs it keeps `<data dir>/aetherd.json`
 * `{ pid, url, version }` (mode 0600, written atomically) so the CLI can find it, and removes the file
 * on a clean exit. A file left by a daemon that died names a pid that is no longer alive.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DISCOVERY_FILE = 'aetherd.json';

export interface Discovery {
  readonly pid: number;
  readonly url: string;
  readonly version: string;
}

export function discoveryPath(dataDir: string): string {
  return path.join(dataDir, DISCOVERY_FILE);
}

export async function writeDiscovery(dataDir: string, discovery: Discovery): Promise<void> {
  const file = discoveryPath(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  await writeFile(temporary, `${JSON.stringify(discovery)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temporary, file);
}

/** The discovery file, or undefined when absent or unreadable. */
export async function readDiscovery(dataDir: string): Promise<Discovery | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(discoveryPath(dataDir), 'utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, url, version } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof url !== 'string' || typeof version !== 'string') return undefined;
    return { pid, url, version };
  } catch {
    return undefined;
  }
}

/** Removes the file if it still names `pid` (a newer daemon's file is left alone). */
export async function removeDiscovery(dataDir: string, pid: number): Promise<void> {
  const current = await readDiscovery(dataDir);
  if (current === undefined || current.pid === pid) await rm(discoveryPath(dataDir), { force: true });
}

/** True when a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (thrown) {
    return (thrown as NodeJS.ErrnoException).code === 'EPERM';
  }
}
