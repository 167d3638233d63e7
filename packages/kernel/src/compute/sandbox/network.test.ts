/**
 * The sandbox's network. Without `net` there is only the sandbox's own `lo`. With `net` (granted by
 * `vm.net`) the sandbox has its own network namespace with slirp4netns's user-mode NAT: the host's
 * loopback services stay unreachable (as 127.0.0.1 and as slirp's host alias 10.0.2.2), the host is
 * reached only through its ordinary addresses, and slirp4netns never outlives its sandbox. Without
 * slirp4netns a networked spawn is refused — never run on the host's network.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isKernelError } from '../../contracts/errors.ts';
import { SandboxRuntime } from './sandbox-runtime.ts';
import {
  collect, eventually, hostPidsRunning, processState, run, runtime, skipUnlessBwrap, skipUnlessSandboxNet, slirpChildren, waitFor, workspace,
} from './test-kit.ts';

const sh = (script: string, ...args: string[]): string[] => ['/bin/sh', '-c', script, 'sh', ...args];
/** Tries each host in turn on port $1; prints the server's greeting or "blocked <host>". */
const probe = sh('port=$1; shift; for host; do timeout 5 bash -c \'exec 3<>"/dev/tcp/$0/$1" && head -1 <&3\' "$host" "$port" 2>/dev/null || echo "blocked $host"; done');
const marker = (): string => `${randomInt(100_000, 900_000)}.${randomInt(1000, 9999)}`;

async function serve(host: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.end(`hello from ${host}\n`));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}
const portOf = (server: net.Server): string => String((server.address() as net.AddressInfo).port);
const close = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

const skipNet = await skipUnlessSandboxNet();

describe('sandbox network', { skip: await skipUnlessBwrap() }, () => {
  let loopback: net.Server;
  before(async () => (loopback = await serve('127.0.0.1')));
  after(() => close(loopback));

  it('without net has only lo: the host loopback is not the sandbox loopback', async () => {
    const { stdout } = await run({ argv: [...probe, portOf(loopback), '127.0.0.1'] });
    assert.equal(stdout, 'blocked 127.0.0.1\n');
    const { stdout: interfaces } = await run({ argv: ['/bin/cat', '/proc/net/dev'] });
    assert.deepEqual(interfaces.split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]?.trim()), ['lo']);
  });

  describe('with net: true', { skip: skipNet }, () => {
    it('cannot reach a server on the host loopback, neither as 127.0.0.1 nor as 10.0.2.2', async () => {
      const { stdout } = await run({ argv: [...probe, portOf(loopback), '127.0.0.1', '10.0.2.2'], net: true });
      assert.equal(stdout, 'blocked 127.0.0.1\nblocked 10.0.2.2\n');
    });

    it('has its own tap0 with a default route through slirp, and slirp as its resolver', async () => {
      const { stdout } = await run({ argv: sh('cat /proc/net/dev; echo ---; cat /proc/net/route; echo ---; cat /etc/resolv.conf'), net: true });
      const [dev = '', route = '', resolv = ''] = stdout.split('---\n');
      assert.deepEqual(dev.split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]?.trim()).sort(), ['lo', 'tap0']);
      const routes = route.split('\n').slice(1).map((l) => l.trim().split(/\s+/));
      assert.ok(routes.some(([iface, destination, gateway]) => iface === 'tap0' && destination === '00000000' && gateway === '0202000A'), route);
      assert.equal(resolv, 'nameserver 10.0.2.3\n');
    });

    it('reaches the host only through its ordinary addresses (what net grants)', async (t) => {
      const address = Object.values(os.networkInterfaces()).flat().find((i) => i?.family === 'IPv4' && !i.internal)?.address;
      if (!address) return t.skip('the host has no non-loopback IPv4 address');
      const server = await serve(address);
      try {
        const { stdout } = await run({ argv: [...probe, portOf(server), address], net: true });
        assert.equal(stdout, `hello from ${address}\n`);
      } finally {
        await close(server);
      }
    });

    it('inherits no open descriptors beyond stdio', async () => {
      const { stdout } = await run({ argv: sh('for fd in /proc/self/fd/*; do readlink "$fd"; done'), net: true });
      const targets = stdout.trim().split('\n');
      assert.ok(targets.every((t) => /^socket:|\/dev\/null$|^\/proc\/\d+\/fd$/.test(t)), `unexpected descriptors: ${targets.join(', ')}`);
    });

    // Both limit modes: in cgroup mode the cgroup's kill and removal reach slirp4netns as well; without
    // cgroups only the run itself stops it.
    for (const [mode, on] of [['', runtime], [' (no cgroups)', new SandboxRuntime({ cgroups: false })]] as const) {
      it(`a sandbox that ends by itself takes slirp4netns with it${mode}`, async () => {
        const { exit } = await run({ argv: ['/bin/true'], net: true }, on);
        assert.equal(exit.code, 0);
        assert.deepEqual(await slirpChildren(), [], 'no slirp4netns left, running or zombie');
      });

      it(`kill() stops and reaps slirp4netns with the sandbox${mode}`, async () => {
        await using ws = await workspace();
        const proc = await on.spawn({ argv: sh('echo ready; exec sleep 600'), workspace: { hostDir: ws.dir }, net: true });
        const result = collect(proc);
        await waitFor(proc.stdout, /ready/);
        const slirps = await slirpChildren();
        assert.equal(slirps.length, 1, 'one slirp4netns serves the sandbox');
        proc.kill();
        assert.equal((await result).exit.signal, 'SIGKILL');
        for (const pid of slirps) assert.equal(await processState(pid), undefined, `slirp4netns ${pid} is gone, not even a zombie`);
      });
    }

    it('a wall-time breach stops and reaps slirp4netns too', async () => {
      await using ws = await workspace();
      const proc = await runtime.spawn({ argv: sh('echo ready; exec sleep 600'), workspace: { hostDir: ws.dir }, net: true, limits: { wallMs: 2000 } });
      const result = collect(proc);
      await waitFor(proc.stdout, /ready/);
      const slirps = await slirpChildren();
      assert.equal(slirps.length, 1);
      assert.equal((await result).exit.reason, 'timeout');
      for (const pid of slirps) assert.equal(await processState(pid), undefined, `slirp4netns ${pid} is gone`);
    });

    it('dies with the kernel process: slirp4netns does not outlive it', async () => {
      const mark = marker();
      await using ws = await workspace();
      const fixture = fileURLToPath(new URL('./parent-death-fixture.ts', import.meta.url));
      const parent = spawn(process.execPath, [fixture, ws.dir, mark, 'net'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => parent.once('exit', resolve));
      await waitFor(parent.stdout, /ready/);
      const slirps = parent.pid === undefined ? [] : await slirpChildren(parent.pid);
      assert.equal(slirps.length, 1, 'the fixture started one slirp4netns');
      parent.kill('SIGKILL');
      await exited;
      const dead = async (): Promise<boolean> => (await Promise.all(slirps.map(processState))).every((s) => s === undefined || s === 'Z');
      assert.ok(await eventually(dead), 'slirp4netns exited when its exit pipe closed');
      assert.ok(await eventually(async () => (await hostPidsRunning(['sleep', mark])).length === 0), 'the sandbox died too');
    });
  });
});

describe('sandbox network without slirp4netns', { skip: await skipUnlessBwrap() }, () => {
  const scratch = mkdtemp(path.join(os.tmpdir(), 'aether-noslirp-'));
  after(async () => rm(await scratch, { recursive: true, force: true }));

  it('refuses net: true with unsupported_backend, and still runs sandboxes without net', async () => {
    const dir = await scratch;
    const noSlirp = new SandboxRuntime({ slirpPath: path.join(dir, 'no-such-slirp4netns') });
    const status = await noSlirp.status();
    assert.equal(status.available, true);
    assert.equal(status.network?.available, false);
    assert.match(status.network?.reason ?? '', /slirp4netns is not installed/);
    await using ws = await workspace();
    const spawned = noSlirp.spawn({ argv: ['/usr/bin/touch', 'ran'], workspace: { hostDir: ws.dir }, net: true });
    await assert.rejects(spawned, (e) => isKernelError(e, 'unsupported_backend') && /install/.test(e.message));
    await assert.rejects(rm(path.join(ws.dir, 'ran')), { code: 'ENOENT' }, 'nothing ran, on any network');
    const { exit } = await run({ argv: ['/bin/true'] }, noSlirp);
    assert.equal(exit.code, 0);
  });
});
