/**
 * `sandbox` vms end to end over the wire, under real bubblewrap: echo streams its output and exit in
 * order; stdin round-trips; kill, wall time and output floods end the run (`vm.error` then `vm.exit`);
 * a VFS directory is the workspace (staged in, changes written back through the VFS); another user's
 * home is unreachable; there is no network without `vm.net`, and even with it the host's loopback stays out
 * of reach; the kernel answers after every attack.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { WireClient } from '../../testing/kernel.ts';
import { skipUnlessBwrap, skipUnlessSandboxNet } from '../sandbox/test-kit.ts';
import {
  assertAlive, assertOrdered, type ComputeKit, eventsOf, exitOf, failed, finished, ok, output, spawn, startComputeKit, until,
} from './vm-test-kit.ts';

const skip = await skipUnlessBwrap();
const skipNet = await skipUnlessSandboxNet();

void describe('sandbox vms over the wire', { skip }, () => {
  let kit: ComputeKit;
  let alice: WireClient;

  before(async () => {
    kit = await startComputeKit();
    alice = kit.user('alice');
    ok(await alice.call('bus.subscribe', { pattern: 'vm.*' }));
    await kit.vfs.write(kit.principal('bob'), '/home/bob/secret', Buffer.from('SECRET-of-bob'));
  });
  after(() => kit.dispose());

  const run = async (request: Record<string, unknown>): Promise<ReturnType<typeof eventsOf>> =>
    finished(alice, await spawn(alice, { backend: 'sandbox', ...request }));

  void it('runs echo and streams its output, then its exit, in sequence', async () => {
    const events = await run({ command: ['echo', 'hello'], args: ['sandbox'] });
    assertOrdered(events);
    assert.equal(output(events), 'hello sandbox\n');
    assert.equal(exitOf(events).code, 0);
    assert.equal(events.every((e) => e.payload?._owner === 'user:alice'), true);
  });

  void it('round-trips vm.stdin through cat until eof', async () => {
    const vmId = await spawn(alice, { backend: 'sandbox', command: ['cat'] });
    ok(await alice.call('vm.stdin', { vmId, data: 'ping\n' }));
    await until(() => output(eventsOf(alice, vmId)) === 'ping\n', 'the echo of ping');
    ok(await alice.call('vm.stdin', { vmId, data: 'pong\n', eof: true }));
    const events = await finished(alice, vmId);
    assert.equal(output(events), 'ping\npong\n');
    assert.equal(exitOf(events).code, 0);
  });

  void it('kills a running command on vm.kill', async () => {
    const vmId = await spawn(alice, { backend: 'sandbox', command: ['sleep', '30'] });
    ok(await alice.call('vm.kill', { vmId }));
    const events = await finished(alice, vmId);
    assertOrdered(events);
    assert.equal(exitOf(events).signal, 'SIGKILL');
    assert.equal(events.some((e) => e.topic === 'vm.error'), false);
  });

  void it('ends a command past its wall time with vm.error timeout, then vm.exit', async () => {
    const events = await run({ command: ['sleep', '30'], limits: { wallMs: 500 } });
    assertOrdered(events);
    assert.deepEqual(events.slice(-2).map((e) => e.topic), ['vm.error', 'vm.exit']);
    assert.equal(events.at(-2)?.payload?.code, 'timeout');
    assert.equal(events.at(-2)?.payload?.limit, 'wall');
    await assertAlive(alice);
  });

  void it('cuts an output flood with vm.error resource_exceeded, then vm.exit', async () => {
    const events = await run({ command: ['yes'], limits: { outputBytes: 100_000 } });
    assertOrdered(events);
    assert.deepEqual(events.slice(-2).map((e) => e.topic), ['vm.error', 'vm.exit']);
    assert.equal(events.at(-2)?.payload?.code, 'resource_exceeded');
    assert.equal(events.at(-2)?.payload?.limit, 'output');
    assert.equal(output(events).length <= 100_000, true);
    await assertAlive(alice);
  });

  void it('works in a VFS directory: staged in, changes written back through the VFS', async () => {
    const owner = kit.principal('alice');
    await kit.vfs.write(owner, '/home/alice/proj/in.txt', Buffer.from('input'), { createParents: true });
    await kit.vfs.write(owner, '/home/alice/proj/gone.txt', Buffer.from('bye'));
    await kit.vfs.write(owner, '/home/alice/proj/kept.txt', Buffer.from('same'));
    const script = 'pwd; cat in.txt > out.txt; rm gone.txt; mkdir -p sub; echo deep > sub/d.txt; ln -s /etc/passwd link';
    const events = await run({ command: ['sh', '-c', script], cwd: '/home/alice/proj' });
    assert.equal(output(events), '/home/alice/proj\n');
    const exit = exitOf(events);
    assert.equal(exit.code, 0, output(events, 'vm.stderr'));
    assert.deepEqual(exit.sync, { written: 2, deleted: 1, skipped: [{ path: '/home/alice/proj/link', reason: 'symlink' }] });
    const read = async (p: string): Promise<string> => (await kit.vfs.read(owner, p)).data.toString();
    assert.equal(await read('/home/alice/proj/out.txt'), 'input');
    assert.equal(await read('/home/alice/proj/sub/d.txt'), 'deep\n');
    assert.equal(await read('/home/alice/proj/kept.txt'), 'same');
    const names = (await kit.vfs.list(owner, '/home/alice/proj')).entries.map((e) => e.name);
    assert.deepEqual(names, ['in.txt', 'kept.txt', 'out.txt', 'sub']);
  });

  void it('keeps a change made in the VFS during the run over the sandbox\'s change to the same file', async () => {
    const owner = kit.principal('alice');
    await kit.vfs.write(owner, '/home/alice/race/a.txt', Buffer.from('staged'), { createParents: true });
    const vmId = await spawn(alice, { backend: 'sandbox', command: ['sh', '-c', 'read go; echo sandbox > a.txt; echo sandbox > b.txt'], cwd: '/home/alice/race' });
    await kit.vfs.write(owner, '/home/alice/race/a.txt', Buffer.from('edited meanwhile'));
    ok(await alice.call('vm.stdin', { vmId, data: 'go\n', eof: true }));
    const exit = exitOf(await finished(alice, vmId));
    assert.deepEqual(exit.sync, { written: 1, deleted: 0, skipped: [{ path: '/home/alice/race/a.txt', reason: 'conflict: changed in the VFS meanwhile' }] });
    assert.equal((await kit.vfs.read(owner, '/home/alice/race/a.txt')).data.toString(), 'edited meanwhile');
    assert.equal((await kit.vfs.read(owner, '/home/alice/race/b.txt')).data.toString(), 'sandbox\n');
  });

  void it('gives a terminal with tty, resized by vm.resize', async () => {
    const vmId = await spawn(alice, { backend: 'sandbox', command: ['/bin/sh', '-i'], env: { PS1: 'sbx$ ' }, tty: { rows: 24, cols: 80 } });
    const screen = (): string => output(eventsOf(alice, vmId));
    await until(() => /sbx\$ $/.test(screen()), 'the prompt');
    ok(await alice.call('vm.stdin', { vmId, data: 'stty size\n' }));
    await until(() => screen().includes('24 80\r\n'), 'the first size');
    ok(await alice.call('vm.resize', { vmId, rows: 40, cols: 120 }));
    ok(await alice.call('vm.stdin', { vmId, data: 'stty size\n' }));
    await until(() => screen().includes('40 120\r\n'), 'the new size');
    ok(await alice.call('vm.stdin', { vmId, data: 'exit 3\n' }));
    assert.equal(exitOf(await finished(alice, vmId)).code, 3);
  });

  void it("cannot reach another user's home, by workspace or from inside", async () => {
    failed(await alice.call('vm.spawn', { backend: 'sandbox', command: ['ls'], cwd: '/home/bob' }), 'permission_denied');
    failed(await alice.call('vm.spawn', { backend: 'sandbox', command: ['ls'], cwd: '/shared' }), 'permission_denied');
    await kit.vfs.mkdir(kit.principal('alice'), '/home/alice/empty', { recursive: true });
    const script = 'cat /home/bob/secret; cat ../bob/secret; ls -a /home; find / -name secret -not -path "/proc/*" 2>/dev/null; true';
    const events = await run({ command: ['sh', '-c', script], cwd: '/home/alice/empty' });
    const seen = output(events) + output(events, 'vm.stderr');
    assert.equal(seen.includes('SECRET'), false);
    assert.doesNotMatch(output(events), /\bbob\b/);
    await assertAlive(alice);
  });

  void it('has no network without vm.net, asking for it without vm.net is refused, and vm.net does not reach the host loopback', async () => {
    const server = net.createServer((socket) => socket.end('served\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const probe = `import socket\ntry:\n  print(socket.create_connection(("127.0.0.1", ${port}), 5).recv(64).decode().strip())\nexcept OSError as e:\n  print("refused", e.errno)`;
    try {
      const closed = await run({ command: ['python3', '-c', probe] });
      assert.match(output(closed), /^refused/);
      failed(await alice.call('vm.spawn', { backend: 'sandbox', command: ['true'], net: true }), 'permission_denied');
      const netUser = kit.user('carol', ['vm.net', 'topic.subscribe:vm.*']);
      ok(await netUser.call('bus.subscribe', { pattern: 'vm.*' }));
      const request = { backend: 'sandbox', command: ['python3', '-c', probe], net: true };
      if (skipNet) {
        // No slirp4netns here: refused, never run on the host's network.
        failed(await netUser.call('vm.spawn', request), 'unsupported_backend');
      } else {
        // The sandbox's own network namespace (slirp4netns): its 127.0.0.1 is not the host's.
        assert.match(output(await finished(netUser, await spawn(netUser, request))), /^refused/);
      }
    } finally {
      server.close();
    }
    await assertAlive(alice);
  });
});
