/**
 * A real daemon for tests: a kernel on embedded backends in a fresh temporary data directory, the
 * gateway listening on an ephemeral loopback port, and the operator admin token to act with.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ConfigInput, ConfigSchema, type Kernel, createKernel, silentLogger } from '@aether/kernel';
import { type ServerOptionsInput, ServerOptionsSchema } from '../options.ts';
import { type AetherServer, type ServerDeps, startServer } from '../server.ts';

export interface TestDaemon {
  readonly kernel: Kernel;
  readonly server: AetherServer;
  readonly url: string;
  readonly wsUrl: string;
  readonly dataDir: string;
  readonly adminToken: string;
  /** `Authorization` header value carrying the admin token. */
  readonly admin: string;
  dispose(): Promise<void>;
}

export interface TestDaemonOptions {
  config?: Partial<ConfigInput>;
  server?: ServerOptionsInput;
  deps?: (kernel: Kernel) => ServerDeps;
}

export async function startTestDaemon(options: TestDaemonOptions = {}): Promise<TestDaemon> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aether-gw-'));
  const adminToken = randomBytes(32).toString('hex');
  const kernel = await createKernel(ConfigSchema.parse({ data_dir: dataDir, port: 0, admin_token: adminToken, ...options.config }), { logger: silentLogger() });
  let server: AetherServer;
  try {
    server = await startServer(kernel, ServerOptionsSchema.parse(options.server ?? {}), options.deps?.(kernel) ?? {});
  } catch (thrown) {
    await kernel.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw thrown;
  }
  return {
    kernel,
    server,
    url: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    dataDir,
    adminToken,
    admin: `Bearer ${adminToken}`,
    dispose: async () => {
      await server.close();
      await kernel.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs JSON and returns the status and parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}
