/**
 * Escape and exhaustion attacks on the WASI runtime (DESIGN §7). Each must fail: nothing outside the
 * preopen is read, written, created or removed; looping, blocking in a host call, memory bombs and output
 * floods end with `timeout` / `resource_exceeded` (or a refused allocation inside the guest); and the
 * kernel process stays up and runs the next guest.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isKernelError } from '../../contracts/errors.ts';
import { compileAll, compileC, CONFORMANCE_DIR, skipWithoutClang } from './conformance/compile.ts';
import { runGuest, TEST_LIMITS } from './conformance/run-guest.ts';
import { WasiRuntime } from './runtime.ts';

const PROGRAMS = ['attack_escape', 'attack_race', 'attack_loop', 'attack_block_poll', 'attack_block_stdin', 'attack_memory', 'attack_flood', 'hello'];
const skip = await skipWithoutClang();

/** Resolves once a warm runner is waiting, so a short wall time is spent in the guest, not in booting. */
async function warm(runtime: WasiRuntime): Promise<void> {
  while (runtime.warm === 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

function plant(work: string): { root: string; outside: string } {
  const root = path.join(work, 'root');
  const outside = path.join(work, 'outside');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'SECRET');
  fs.symlinkSync('/etc', path.join(root, 'link_etc'));
  fs.symlinkSync('..', path.join(root, 'link_up'));
  fs.symlinkSync('../..', path.join(root, 'sub', 'link_up2'));
  fs.symlinkSync(outside, path.join(root, 'link_abs_outside'));
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link_file'));
  fs.symlinkSync('/proc', path.join(root, 'link_proc'));
  fs.symlinkSync('/dev/null', path.join(root, 'link_dev_null'));
  fs.symlinkSync('sub/link_up2/outside/secret.txt', path.join(root, 'link_chain'));
  fs.linkSync(path.join(outside, 'secret.txt'), path.join(root, 'hard'));
  execFileSync('mkfifo', [path.join(root, 'fifo')]);
  fs.writeFileSync(path.join(root, 'victim'), 'victim');
  return { root, outside };
}

void describe('WASI attacks cannot escape or exhaust the host', { skip }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aether-wasi-attack-'));
  const runtime = new WasiRuntime({ poolSize: 1 });
  let built = new Map<string, string>();

  before(async () => {
    built = await compileAll(PROGRAMS, work);
  });
  after(() => {
    runtime.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const module = (name: string): string => built.get(name) as string;

  void test('no path, symlink, hard link, FIFO or /proc trick leaves the preopen', async () => {
    const { root, outside } = plant(work);
    const etcBefore = fs.readdirSync('/etc').sort();
    const { exit, stdout, stderr } = await runGuest(runtime, {
      module: module('attack_escape'), preopens: [{ guest: '/sandbox', host: root }], limits: TEST_LIMITS,
    });
    assert.equal(exit.code, 0, stderr);
    assert.match(stdout, /\ndone\n$/);
    // `hard` and `fifo` are names inside the preopen: their metadata may be read, never their content.
    const inside = new Set(['stat hard', 'stat fifo']);
    const escapes = stdout.split('\n').filter((line) => line.includes('-> OK') && !inside.has(line.split(' -> ')[0] ?? ''));
    assert.deepEqual(escapes, []);
    assert.doesNotMatch(stdout, /SECRET|root:/);
    assert.deepEqual(fs.readdirSync(outside), ['secret.txt']);
    assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'SECRET');
    assert.deepEqual(fs.readdirSync('/etc').sort(), etcBefore);
    assert.deepEqual(fs.readdirSync(work).filter((name) => !name.endsWith('.wasm')).sort(), ['outside', 'root']);
    assert.equal(fs.readFileSync(path.join(root, 'victim'), 'utf8'), 'victim');
  });

  void test('swapping a directory for a symlink while the guest opens through it never leads outside', async () => {
    const root = path.join(work, 'race-root');
    const outside = path.join(work, 'race-outside');
    fs.mkdirSync(path.join(root, 'parked-dir'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, 'parked-dir', 'file.txt'), 'inside');
    fs.writeFileSync(path.join(outside, 'file.txt'), 'SECRET');
    fs.symlinkSync(outside, path.join(root, 'parked-link'));
    const proc = runtime.spawn({ module: module('attack_race'), preopens: [{ guest: '/sandbox', host: root }], limits: TEST_LIMITS });
    let stdout = '';
    proc.on('stdout', (chunk) => {
      stdout += Buffer.from(chunk).toString();
    });
    let running = true;
    let swaps = 0;
    const swapper = (async () => {
      const swap = path.join(root, 'swap');
      // `swap` is a real directory, then a symlink to outside, and so on, each for a moment.
      while (running) {
        for (const parked of ['parked-dir', 'parked-link']) {
          fs.renameSync(path.join(root, parked), swap);
          await new Promise((resolve) => setImmediate(resolve));
          fs.renameSync(swap, path.join(root, parked));
          swaps += 1;
        }
      }
    })();
    const exit = await proc.exit;
    running = false;
    await swapper;
    assert.equal(exit.code, 0);
    const opened = Number(/opened (\d+), escaped 0\n$/.exec(stdout)?.[1]);
    assert.ok(opened > 0, `the race never let an open through: ${stdout}`);
    assert.doesNotMatch(stdout, /ESCAPED/);
    assert.ok(swaps > 0);
  });

  void test('an infinite loop is killed at the wall-time limit', async () => {
    await warm(runtime);
    const { exit } = await runGuest(runtime, { module: module('attack_loop'), limits: { ...TEST_LIMITS, wallMs: 1500 } });
    assert.equal(exit.reason, 'timeout');
    assert.equal(exit.code, null);
    assert.equal(exit.signal, 'SIGKILL');
  });

  void test('a guest blocked in poll_oneoff past its wall time is killed', async () => {
    await warm(runtime);
    const { exit, stdout } = await runGuest(runtime, { module: module('attack_block_poll'), limits: { ...TEST_LIMITS, wallMs: 2000 } });
    assert.equal(stdout, 'sleeping\n');
    assert.equal(exit.reason, 'timeout');
  });

  void test('a guest blocked reading stdin past its wall time is killed', async () => {
    await warm(runtime);
    const { exit, stdout } = await runGuest(runtime, {
      module: module('attack_block_stdin'), keepStdinOpen: true, limits: { ...TEST_LIMITS, wallMs: 2000 },
    });
    assert.equal(stdout, 'reading\n');
    assert.equal(exit.reason, 'timeout');
  });

  void test('kill() stops a guest blocked in a host call', async () => {
    const { exit } = await runGuest(runtime, { module: module('attack_block_poll'), limits: TEST_LIMITS }, (soFar, proc) => {
      if (soFar === 'sleeping\n') proc.kill();
    });
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(exit.reason, undefined);
  });

  void test('a memory bomb meets the cap inside the guest: malloc and memory.grow fail', async () => {
    const { exit, stdout } = await runGuest(runtime, { module: module('attack_memory'), limits: { ...TEST_LIMITS, memoryBytes: 32 * 1024 * 1024 } });
    assert.equal(exit.code, 0);
    const mib = Number(/allocated (\d+) MiB/.exec(stdout)?.[1]);
    assert.ok(mib > 0 && mib < 32, stdout);
    assert.match(stdout, /memory\.grow refused/);
  });

  void test('a module whose initial memory exceeds the limit is refused with resource_exceeded', async () => {
    const big = await compileC(path.join(CONFORMANCE_DIR, 'hello.c'), fs.mkdtempSync(path.join(work, 'big-')), ['-Wl,--initial-memory=67108864']);
    assert.throws(
      () => runtime.spawn({ module: big, limits: { ...TEST_LIMITS, memoryBytes: 16 * 1024 * 1024 } }),
      (error: unknown) => isKernelError(error, 'resource_exceeded'),
    );
  });

  void test('an output flood is stopped with resource_exceeded at the output limit', async () => {
    const limit = 256 * 1024;
    const { exit, stdout } = await runGuest(runtime, { module: module('attack_flood'), limits: { ...TEST_LIMITS, outputBytes: limit } });
    assert.equal(exit.reason, 'resource_exceeded');
    assert.ok(exit.usage.outputBytes <= limit);
    assert.equal(stdout.length, exit.usage.outputBytes);
  });

  void test('after every attack the kernel runs the next guest normally', async () => {
    const { exit, stdout } = await runGuest(runtime, { module: module('hello'), args: ['hello', 'alive'], limits: TEST_LIMITS });
    assert.equal(exit.code, 0);
    assert.equal(stdout, 'hello alive\n');
  });
});
