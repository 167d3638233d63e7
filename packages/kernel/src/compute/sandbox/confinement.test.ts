/**
 * Escape attempts that must fail: host secrets, host processes, writes outside the workspace,
 * /proc/self/root, device files, host device nodes, capabilities, nested user namespaces, descriptors
 * inherited from the kernel. The network is covered by network.test.ts.
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { run, skipUnlessBwrap } from './test-kit.ts';

const sh = (script: string, ...args: string[]): string[] => ['/bin/sh', '-c', script, 'sh', ...args];

describe('sandbox confinement', { skip: await skipUnlessBwrap() }, () => {
  it('cannot read host secrets or the host home', async () => {
    const { stdout, stderr } = await run({ argv: sh('cat /etc/shadow; ls /root; ls /home; ls /etc') });
    assert.doesNotMatch(stdout, /root:[^:]*:\d+:/, 'no shadow entries');
    assert.match(stderr, /\/etc\/shadow: No such file/);
    assert.match(stderr, /\/root': No such file/);
    const etc = stdout.trim().split(/\s+/);
    for (const secret of ['shadow', 'gshadow', 'ssh', 'sudoers', 'ssl']) assert.ok(!etc.includes(secret), `/etc/${secret} is absent`);
  });

  it('sees a synthetic passwd naming only the sandbox user', async () => {
    const { stdout } = await run({ argv: ['/bin/cat', '/etc/passwd'] });
    assert.deepEqual(stdout.trim().split('\n').map((line) => line.split(':')[0]), ['root', 'sandbox', 'nobody']);
  });

  it('cannot see host processes: /proc shows only the sandbox', async () => {
    const { stdout } = await run({ argv: sh('ls /proc | grep -E "^[0-9]+$" | sort -n | tr "\\n" " "; echo; cat /proc/1/cmdline | tr "\\0" " "') });
    const [pids = '', init = ''] = stdout.split('\n');
    const visible = pids.trim().split(' ').map(Number);
    assert.ok(visible.length <= 6, `only the sandbox's own processes are visible, saw ${pids}`);
    assert.ok(!visible.includes(process.pid) || process.pid < 10, 'the kernel process is not visible');
    assert.match(init, /bwrap/, 'pid 1 is the sandbox init');
  });

  it('cannot write outside the workspace', async () => {
    const { stdout } = await run({
      argv: sh('for f in /usr/x /bin/x /etc/x /x /proc/x /lib/x; do if touch "$f" 2>/dev/null; then echo "wrote $f"; fi; done; echo done'),
    });
    assert.equal(stdout, 'done\n');
  });

  it('cannot change host device nodes (the guest does not own them)', async () => {
    const before = (await stat('/dev/null')).mode;
    const { exit } = await run({ argv: ['/bin/chmod', '000', '/dev/null'] });
    assert.notEqual(exit.code, 0);
    assert.equal((await stat('/dev/null')).mode, before);
  });

  it('/proc/self/root leads to the sandbox root, not the host', async () => {
    const { stdout } = await run({ argv: sh('ls /proc/self/root/; cat /proc/self/root/etc/shadow 2>&1; ls /proc/1/root/ 2>&1 | head -1') });
    assert.doesNotMatch(stdout, /\broot:/);
    assert.match(stdout, /No such file/);
    assert.doesNotMatch(stdout, /\b(home|boot|var|srv|opt)\b/, 'host top-level directories are absent');
  });

  it('has no device files beyond the minimal set', async () => {
    const { stdout } = await run({ argv: sh('ls /dev') });
    const devices = stdout.trim().split(/\s+/).sort();
    for (const dangerous of ['sda', 'vda', 'mem', 'kmem', 'kmsg', 'port', 'nvme0', 'loop0', 'fuse']) {
      assert.ok(!devices.includes(dangerous), `/dev/${dangerous} is absent`);
    }
    assert.ok(devices.includes('null') && devices.includes('urandom'));
  });

  it('holds no capabilities and cannot create nested user namespaces', async () => {
    const { stdout } = await run({ argv: sh('grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status; unshare -U true && echo nested-ok; grep NoNewPrivs /proc/self/status') });
    for (const line of stdout.split('\n').filter((l) => l.startsWith('Cap'))) assert.match(line, /:\s+0{16}$/);
    assert.doesNotMatch(stdout, /nested-ok/);
    assert.match(stdout, /NoNewPrivs:\s+1/);
  });

  it('inherits no open descriptors beyond stdio', async () => {
    const { stdout } = await run({ argv: sh('for fd in /proc/self/fd/*; do readlink "$fd"; done') });
    const targets = stdout.trim().split('\n');
    // stdio sockets, plus the directory handle of the loop itself; anything else would be a leak.
    assert.ok(targets.every((t) => /^socket:|\/dev\/null$|^\/proc\/\d+\/fd$/.test(t)), `unexpected descriptors: ${targets.join(', ')}`);
  });
});
