/**
 * tty mode gives an interactive shell a real terminal: it is a tty of the requested size, resizes reach
 * it, Ctrl-C interrupts the foreground job and not the shell, and the shell's exit code comes back.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { collect, eventually, hostPidsRunning, runtime, skipUnlessBwrap, waitFor, workspace } from './test-kit.ts';

describe('sandbox tty', { skip: await skipUnlessBwrap() }, () => {
  it('runs an interactive shell on a resizable terminal', async () => {
    await using ws = await workspace();
    const proc = await runtime.spawn({
      argv: ['/bin/sh', '-i'],
      env: { TERM: 'xterm-256color', PS1: 'sbx$ ' },
      tty: { rows: 24, cols: 80 },
      workspace: { hostDir: ws.dir },
    });
    const result = collect(proc);
    await waitFor(proc.stdout, /sbx\$ $/);
    proc.stdin.write('tty; stty size\n');
    const first = await waitFor(proc.stdout, /24 80\r\n/);
    assert.match(first, /\/dev\/pts\/\d+\r\n/);
    proc.resize(40, 120);
    proc.stdin.write('stty size\n');
    await waitFor(proc.stdout, /40 120\r\n/);
    proc.stdin.write('exit 3\n');
    const { exit } = await result;
    assert.equal(exit.code, 3);
    assert.equal(exit.reason, undefined);
  });

  it('delivers Ctrl-C to the foreground job, not the shell', async () => {
    await using ws = await workspace();
    const proc = await runtime.spawn({ argv: ['/bin/sh', '-i'], env: { PS1: 'sbx$ ' }, tty: { rows: 24, cols: 80 }, workspace: { hostDir: ws.dir } });
    const result = collect(proc);
    await waitFor(proc.stdout, /sbx\$ $/);
    const mark = `${randomInt(100_000, 900_000)}.${randomInt(1000, 9999)}`;
    proc.stdin.write(`sleep ${mark}\n`);
    // The terminal echoes input at once; wait until the sleep really is the foreground job.
    assert.ok(await eventually(async () => (await hostPidsRunning(['sleep', mark])).length === 1), 'sleep runs');
    proc.stdin.write('\x03');
    await waitFor(proc.stdout, /\^C\r\nsbx\$ $/);
    proc.stdin.write('echo alive\n');
    await waitFor(proc.stdout, /\r\nalive\r\n/);
    proc.stdin.write('exit\n');
    const { exit } = await result;
    assert.equal(exit.code, 0, "the shell survived the interrupt and exited normally");
  });

  it('refuses a malformed size', async () => {
    await using ws = await workspace();
    await assert.rejects(runtime.spawn({ argv: ['/bin/true'], tty: { rows: 0, cols: 80 }, workspace: { hostDir: ws.dir } }), { code: 'payload_invalid' });
    const proc = await runtime.spawn({ argv: ['/bin/cat'], tty: { rows: 24, cols: 80 }, workspace: { hostDir: ws.dir } });
    assert.throws(() => proc.resize(-1, 5), { code: 'payload_invalid' });
    proc.kill();
    await proc.exit;
  });
});
