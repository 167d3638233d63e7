/**
 * Shared helpers for the sandbox tests: whether bubblewrap is here (CI with AETHER_REQUIRE_SERVICES=1
 * fails without it; elsewhere the suites skip with the reason), throwaway workspaces owned by the
 * sandbox's host user, and collecting a run's output and exit.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { grantWorkspace } from './host-user.ts';
import { SandboxRuntime } from './sandbox-runtime.ts';
import type { SandboxExit, SandboxProcess, SandboxSpec } from './types.ts';

export const runtime = new SandboxRuntime();

/** `false` when the sandbox suites should run, else the skip reason. Throws when bubblewrap is required. */
export async function skipUnlessBwrap(): Promise<string | false> {
  const status = await runtime.status();
  if (status.available) return false;
  if (process.env.AETHER_REQUIRE_SERVICES === '1') {
    throw new Error(`bubblewrap is required (AETHER_REQUIRE_SERVICES=1): ${status.reason ?? 'unavailable'}`);
  }
  return status.reason ?? 'bubblewrap unavailable';
}

/** Like skipUnlessBwrap, for suites that need `net: true` (slirp4netns); throws when services are required. */
export async function skipUnlessSandboxNet(): Promise<string | false> {
  const bwrap = await skipUnlessBwrap();
  if (bwrap) return bwrap;
  const network = (await runtime.status()).network;
  if (network?.available) return false;
  if (process.env.AETHER_REQUIRE_SERVICES === '1') {
    throw new Error(`slirp4netns is required (AETHER_REQUIRE_SERVICES=1): ${network?.reason ?? 'unavailable'}`);
  }
  return network?.reason ?? 'sandbox network unavailable';
}

/**
 * Like skipUnlessBwrap, for suites that need per-sandbox cgroups. Never throws for cgroups alone: like the
 * cgroup-only limit tests, they skip where the host gives no writable cgroup (the rlimit mode).
 */
export async function skipUnlessCgroups(): Promise<string | false> {
  const bwrap = await skipUnlessBwrap();
  if (bwrap) return bwrap;
  const status = await runtime.status();
  return status.mode === 'rlimit' ? `rlimit mode: ${status.cgroupReason ?? 'no writable cgroup'}` : false;
}

export interface Workspace {
  dir: string;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aether-sbx-test-'));
  await grantWorkspace(dir, runtime.hostUser);
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

export interface Finished {
  stdout: string;
  stderr: string;
  exit: SandboxExit;
}

export async function collect(proc: SandboxProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = await proc.exit;
  return { stdout, stderr, exit };
}

/** Spawns in a fresh workspace and waits for the end. */
export async function run(spec: Omit<SandboxSpec, 'workspace'> & { workspace?: SandboxSpec['workspace'] }, on: SandboxRuntime = runtime): Promise<Finished> {
  await using ws = await workspace();
  return await collect(await on.spawn({ workspace: { hostDir: ws.dir }, ...spec }));
}

/** Resolves when `stream` has produced text matching `pattern`; returns everything read so far. */
export function waitFor(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (pattern.test(text)) {
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended before ${String(pattern)}; got ${JSON.stringify(text)}`)));
  });
}

/** Live host pids whose argv is exactly `argv` (make it unique, e.g. `sleep <random duration>`). */
export async function hostPidsRunning(argv: readonly string[]): Promise<number[]> {
  const wanted = argv.map((arg) => `${arg}\0`).join('');
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8');
      const state = /^State:\s+(\w)/m.exec(await readFile(`/proc/${name}/status`, 'utf8'))?.[1];
      if (cmdline === wanted && state !== 'Z') pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** State letter of a host process (`Z` for a zombie), or undefined once it is gone (reaped). */
export async function processState(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** Pids of the slirp4netns processes whose parent is `parent` (default: this test process). */
export async function slirpChildren(parent = process.pid): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'slirp4netns' && ppid === parent) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Polls until `check` is true; the deadline only guards against hanging (no timing is asserted). */
export async function eventually(check: () => Promise<boolean>, deadlineMs = 15_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}
