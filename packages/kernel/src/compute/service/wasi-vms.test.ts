/**
 * `wasi` vms end to end: a user runs WASI programs stored in their VFS home over the wire protocol and
 * receives output and exit events in order with sequence numbers; standard input flows both ways; kill,
 * wall-time, idle and output limits end the run with `vm.error` then `vm.exit`; the guest sees exactly
 * the mounts the caller holds (own home writable, /shared read-only, another home absent); the kernel
 * answers after every attack. Real runner processes, guests built with clang at test time.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { WireClient } from '../../testing/kernel.ts';
import { skipWithoutClang } from '../wasi/conformance/compile.ts';
import {
  assertAlive, assertOrdered, buildGuests, type ComputeKit, eventsOf, exitOf, failed, finished, ok, output, spawn, startComputeKit, tempDir, until,
} from './vm-test-kit.ts';

const skip = await skipWithoutClang();
const GUESTS = ['hello', 'cat', 'files', 'spin', 'flood'];

void describe('wasi vms over the wire', { skip }, () => {
  let kit: ComputeKit;
  let alice: WireClient;
  const build = tempDir('aether-vm-wasi-');
  const program = (name: string): string => `/home/alice/bin/${name}.wasm`;

  before(async () => {
    kit = await startComputeKit();
    alice = kit.user('alice');
    ok(await alice.call('bus.subscribe', { pattern: 'vm.*' }));
    const built = await buildGuests(GUESTS, build);
    const owner = kit.principal('alice');
    for (const [name, file] of built) await kit.vfs.write(owner, program(name), fs.readFileSync(file), { createParents: true });
    await kit.vfs.write(owner, '/home/alice/note.txt', Buffer.from('alice note'));
    await kit.vfs.write(kit.principal('bob'), '/home/bob/secret', Buffer.from('SECRET-of-bob'));
    await kit.vfs.write(kit.principal('root', ['fs.*:/**']), '/shared/readme', Buffer.from('shared text'));
  });
  after(async () => {
    await kit.dispose();
    fs.rmSync(build, { recursive: true, force: true });
  });

  void it('runs hello world: the ack, then its output, then its exit, in sequence', async () => {
    const vmId = await spawn(alice, { backend: 'wasi', program: program('hello'), args: ['vm'] });
    const events = await finished(alice, vmId);
    assertOrdered(events);
    assert.equal(output(events), 'hello vm\n');
    assert.equal(exitOf(events).code, 0);
    assert.equal(events.every((e) => e.payload?._owner === 'user:alice' && e.payload._stream === `vm:${vmId}`), true);
    const ackAt = alice.received.findIndex((e) => e.topic === 'vm.spawn:ack' && e.payload?.vmId === vmId);
    assert.ok(ackAt >= 0 && ackAt < alice.received.indexOf(events[0]!), 'the ack arrives before the first event');
  });

  void it('feeds standard input given at spawn, then ends it', async () => {
    const vmId = await spawn(alice, { backend: 'wasi', program: program('cat'), stdin: 'from spawn' });
    const events = await finished(alice, vmId);
    assert.equal(output(events), 'from spawn');
    assert.equal(exitOf(events).code, 0);
  });

  void it('round-trips vm.stdin while the guest runs, binary-safe, until eof', async () => {
    const vmId = await spawn(alice, { backend: 'wasi', program: program('cat') });
    ok(await alice.call('vm.stdin', { vmId, data: 'ping\n' }));
    await until(() => output(eventsOf(alice, vmId)) === 'ping\n', 'the echo of ping');
    ok(await alice.call('vm.stdin', { vmId, data: Buffer.from([0xff, 0x00, 0x41]).toString('base64'), encoding: 'base64', eof: true }));
    const events = await finished(alice, vmId);
    const bytes = Buffer.concat(events.filter((e) => e.topic === 'vm.stdout').map((e) => Buffer.from(e.payload?.data as string, e.payload?.encoding as BufferEncoding)));
    assert.deepEqual([...bytes], [...Buffer.from('ping\n'), 0xff, 0x00, 0x41]);
    assert.equal(exitOf(events).code, 0);
  });

  void it('kills a running guest on vm.kill: an exit by SIGKILL and no vm.error', async () => {
    const vmId = await spawn(alice, { backend: 'wasi', program: program('spin') });
    await until(() => output(eventsOf(alice, vmId)) === 'spinning\n', 'the guest to start');
    ok(await alice.call('vm.kill', { vmId }));
    const events = await finished(alice, vmId);
    assertOrdered(events);
    assert.equal(exitOf(events).signal, 'SIGKILL');
    assert.equal(events.some((e) => e.topic === 'vm.error'), false);
    failed(await alice.call('vm.kill', { vmId }), 'not_found');
  });

  void it('ends a guest past its wall time with vm.error timeout, then vm.exit', async () => {
    const vmId = await spawn(alice, { backend: 'wasi', program: program('spin'), limits: { wallMs: 500 } });
    const events = await finished(alice, vmId);
    assertOrdered(events);
    assert.deepEqual(events.slice(-2).map((e) => e.topic), ['vm.error', 'vm.exit']);
    const error = events.at(-2)?.payload;
    assert.equal(error?.code, 'timeout');
    assert.equal(error?.limit, 'wall');
    assert.equal(exitOf(events).reason, 'timeout');
    await assertAlive(alice);
  });

  void it('ends a guest silent for longer than its idle limit with vm.error timeout (idle)', async () => {
    const vmId = await spawn(alice, { backend: 'wasi', program: program('spin'), limits: { idleMs: 300, wallMs: 60_000 } });
    const events = await finished(alice, vmId);
    const error = events.find((e) => e.topic === 'vm.error')?.payload;
    assert.equal(error?.code, 'timeout');
    assert.equal(error?.limit, 'idle');
    await assertAlive(alice);
  });

  void it('cuts an output flood at the limit with vm.error resource_exceeded, then vm.exit', async () => {
    const vmId = await spawn(alice, { backend: 'wasi', program: program('flood'), limits: { outputBytes: 100_000 } });
    const events = await finished(alice, vmId);
    assertOrdered(events);
    assert.deepEqual(events.slice(-2).map((e) => e.topic), ['vm.error', 'vm.exit']);
    assert.equal(events.at(-2)?.payload?.code, 'resource_exceeded');
    assert.equal(events.at(-2)?.payload?.limit, 'output');
    assert.equal(output(events).length <= 100_000, true);
    await assertAlive(alice);
  });

  void it("gives the guest the caller's own home writable, /shared read-only, and no other home", async () => {
    const run = async (...args: string[]): Promise<string> => output(await finished(alice, await spawn(alice, { backend: 'wasi', program: program('files'), args })));
    assert.equal(await run('read', '/home/alice/note.txt'), 'alice note');
    assert.equal(await run('write', '/home/alice/made.txt', 'by guest'), 'OK\n');
    assert.equal((await kit.vfs.read(kit.principal('alice'), '/home/alice/made.txt')).data.toString(), 'by guest');
    assert.equal(await run('read', '/shared/readme'), 'shared text');
    assert.match(await run('write', '/shared/readme', 'x'), /^ERR /);
    for (const attack of ['/home/bob/secret', '/home/alice/../bob/secret', '../bob/secret', '/home/alice/../../home/bob/secret']) {
      const seen = await run('read', attack);
      assert.match(seen, /^ERR /, attack);
      assert.equal(seen.includes('SECRET'), false);
    }
    await assertAlive(alice);
  });

  void it('answers a program the caller may not read, and a memory limit above the maximum, at the edge', async () => {
    const bob = kit.user('bob');
    failed(await bob.call('vm.spawn', { backend: 'wasi', program: program('hello') }), 'permission_denied');
    failed(await alice.call('vm.spawn', { backend: 'wasi', program: '/home/alice/nothing.wasm' }), 'not_found');
    const tooMuch = failed(await alice.call('vm.spawn', { backend: 'wasi', program: program('hello'), limits: { memoryBytes: 8 * 1024 ** 3 } }), 'resource_exceeded');
    assert.equal((tooMuch.details as { limit?: string }).limit, 'memoryBytes');
    failed(await alice.call('vm.spawn', { backend: 'wasi', program: program('hello'), net: true }), 'payload_invalid');
    await assertAlive(alice);
  });
});
