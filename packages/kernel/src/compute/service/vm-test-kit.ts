/**
 * Shared helpers for the `vm.*` end-to-end tests: a real test kernel with a VfsService and the compute
 * service registered on its registry, wire clients for users holding the built-in `user` role, the test
 * guests built with clang at test time, and readers for a vm's events as a client received them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Envelope } from '../../bus/envelope.ts';
import { CapabilitySet } from '../../security/capability-set.ts';
import { makePrincipal, type Principal } from '../../security/principal.ts';
import { Roles } from '../../security/roles.ts';
import { startTestKernel, type TestKernel, WireClient } from '../../testing/kernel.ts';
import type { VfsService } from '../../vfs/index.ts';
import { compileC } from '../wasi/conformance/compile.ts';
import type { ComputeConfigInput } from './compute-config.ts';
import type { ComputeService } from './compute-service.ts';

export const GUESTS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'guests');

export interface ComputeKit {
  kernel: TestKernel;
  vfs: VfsService;
  compute: ComputeService;
  /** A connected user with the built-in `user` role (plus `extra` capabilities). */
  user(name: string, extra?: string[]): WireClient;
  principal(name: string, extra?: string[]): Principal;
  dispose(): Promise<void>;
}

export async function startComputeKit(config: ComputeConfigInput = {}): Promise<ComputeKit> {
  const kernel = await startTestKernel({ compute: config });
  const { vfs, compute } = kernel;
  const roles = new Roles();
  const principal = (name: string, extra: string[] = []): Principal => makePrincipal('user', name, CapabilitySet.of([...roles.get('user', name), ...extra]));
  return {
    kernel, vfs, compute, principal,
    user: (name, extra) => new WireClient(kernel, { principal: principal(name, extra) }),
    dispose: () => kernel.dispose(),
  };
}

/** Builds the named guests of ./guests into `outDir`; returns their paths by name. */
export async function buildGuests(names: readonly string[], outDir: string): Promise<Map<string, string>> {
  const built = new Map<string, string>();
  for (const name of names) built.set(name, await compileC(path.join(GUESTS_DIR, `${name}.c`), outDir));
  return built;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function ok(reply: Envelope): Record<string, unknown> {
  assert.ok(reply.topic.endsWith(':ack'), `expected an ack, got ${reply.topic} ${JSON.stringify(reply.payload)}`);
  return reply.payload ?? {};
}

export function failed(reply: Envelope, code: string): Record<string, unknown> {
  assert.ok(/[.:]error$/.test(reply.topic), `expected an error, got ${reply.topic} ${JSON.stringify(reply.payload)}`);
  assert.equal(reply.payload?.code, code, JSON.stringify(reply.payload));
  return reply.payload ?? {};
}

/** Spawns and returns the vm id (asserting the ack). */
export async function spawn(client: WireClient, request: Record<string, unknown>): Promise<string> {
  const vmId = ok(await client.call('vm.spawn', request)).vmId;
  assert.equal(typeof vmId, 'string');
  return vmId as string;
}

/** Every vm.* event of `vmId` the client received so far, in arrival order. */
export function eventsOf(client: WireClient, vmId: string): Envelope[] {
  return client.received.filter((e) => e.topic.startsWith('vm.') && e.to === undefined && e.payload?.vmId === vmId);
}

/** Polls until `check` holds; the deadline only keeps a broken run from hanging (nothing is timed). */
export async function until(check: () => boolean, what: string, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits for the vm's exit event and returns all its events. */
export async function finished(client: WireClient, vmId: string): Promise<Envelope[]> {
  await until(() => eventsOf(client, vmId).some((e) => e.topic === 'vm.exit'), `vm.exit of ${vmId}`);
  return eventsOf(client, vmId);
}

/** The bytes of a stream's events, decoded per event. */
export function output(events: readonly Envelope[], topic = 'vm.stdout'): string {
  return events
    .filter((e) => e.topic === topic)
    .map((e) => Buffer.from(e.payload?.data as string, e.payload?.encoding as BufferEncoding).toString('utf8'))
    .join('');
}

export function exitOf(events: readonly Envelope[]): Record<string, unknown> {
  const exit = events.find((e) => e.topic === 'vm.exit');
  assert.ok(exit, 'no vm.exit');
  return exit.payload ?? {};
}

/** Asserts one stream: sequence numbers 1, 2, 3… in order, and vm.exit last. */
export function assertOrdered(events: readonly Envelope[]): void {
  assert.deepEqual(events.map((e) => e.payload?._seq), events.map((_, i) => i + 1));
  assert.equal(events.at(-1)?.topic, 'vm.exit');
  assert.equal(events.filter((e) => e.topic === 'vm.exit').length, 1);
}

/** The kernel still answers. */
export async function assertAlive(client: WireClient): Promise<void> {
  const reply = await client.call('kernel.status');
  assert.equal(reply.topic, 'kernel.status:ack', JSON.stringify(reply.payload));
}
