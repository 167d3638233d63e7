/**
 * `run` over the kernel's real compute service: a sandboxed command's output and exit status, stdin,
 * an explicit shell script, the wall-time limit reported as timed_out, long output cut to its head and
 * tail, a stopped call killing its vm; a WASI module from the VFS; and the arguments and capabilities
 * that are refused before anything runs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { skipUnlessBwrap } from '../../compute/sandbox/test-kit.ts';
import { buildGuests, tempDir, until } from '../../compute/service/vm-test-kit.ts';
import { skipWithoutClang } from '../../compute/wasi/conformance/compile.ts';
import { vmRunTool } from './run.ts';
import { seed, startToolKit, type ToolKit } from './tool-test-kit.ts';

const noBwrap = await skipUnlessBwrap();
const noClang = await skipWithoutClang();

let kit: ToolKit;
before(async () => {
  kit = await startToolKit();
});
after(() => kit.dispose());

const json = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

void describe('run in the sandbox', { skip: noBwrap }, () => {
  void it('runs an argv and returns exit code and output', async () => {
    const result = await kit.call(vmRunTool, { backend: 'sandbox', command: ['echo', 'hello', '$HOME; rm -rf /'] }, kit.alice);
    assert.deepEqual(json(result.text), { exit_code: 0, stdout: 'hello $HOME; rm -rf /\n', stderr: '' });
  });

  void it('feeds stdin, then closes it', async () => {
    const result = await kit.call(vmRunTool, { backend: 'sandbox', command: ['cat'], stdin: 'piped in' }, kit.alice);
    assert.equal(json(result.text).stdout, 'piped in');
  });

  void it('runs a shell script only when shell is true', async () => {
    const script = await kit.call(vmRunTool, { backend: 'sandbox', command: ['echo one two | wc -w; exit 3'], shell: true }, kit.alice);
    assert.deepEqual(json(script.text), { exit_code: 3, stdout: '2\n', stderr: '' });
    const argv = await kit.call(vmRunTool, { backend: 'sandbox', command: ['echo one two | wc -w'] }, kit.alice);
    assert.notEqual(json(argv.text).exit_code, 0, 'without shell the whole string is one program name');
  });

  void it('reports the wall-time limit as timed_out', async () => {
    const result = await kit.call(vmRunTool, { backend: 'sandbox', command: ['sleep', '30'], timeout_ms: 300 }, kit.alice);
    const report = json(result.text);
    assert.equal(report.timed_out, true);
    assert.equal(report.limit, 'wall');
    assert.equal(report.exit_code, null);
  });

  void it('keeps the head and tail of long output and says how much there was', async () => {
    const result = await kit.call(vmRunTool, { backend: 'sandbox', command: ['seq', '1', '100000'] }, kit.alice);
    const report = json(result.text);
    const stdout = String(report.stdout);
    assert.ok(stdout.startsWith('1\n2\n3\n'));
    assert.ok(stdout.endsWith('99999\n100000\n'));
    assert.ok(/\n\[… \d+\.\d KiB of output left out \(575\.\d KiB in all\) …\]\n/.test(stdout), 'the notice stands between head and tail');
    assert.match(String(report.output_note), /only the start and end of each are shown/);
    assert.ok(Buffer.byteLength(result.text) < 32 * 1024);
  });

  void it('kills the vm when the call is stopped', async () => {
    const controller = new AbortController();
    const call = kit.call(vmRunTool, { backend: 'sandbox', command: ['sleep', '30'] }, kit.alice, controller.signal);
    setTimeout(() => controller.abort(), 200);
    const result = await call;
    assert.equal(result.code, 'cancelled');
    await until(() => kit.kernel.compute.list(kit.alice).length === 0, 'the killed vm to leave the table');
  });

  void it('works in a VFS directory and writes it back', async () => {
    await seed(kit, { '/home/alice/work/in.txt': 'data\n' });
    const result = await kit.call(vmRunTool, { backend: 'sandbox', command: ['cp in.txt out.txt'], shell: true, cwd: '/home/alice/work' }, kit.alice);
    assert.equal(json(result.text).files_written_back, 1);
    assert.equal((await kit.kernel.vfs.read(kit.alice, '/home/alice/work/out.txt')).data.toString(), 'data\n');
  });
});

void describe('run a WASI module', { skip: noClang }, () => {
  const build = tempDir('aether-tool-wasi-');
  after(() => fs.rmSync(build, { recursive: true, force: true }));

  void it('runs a module stored in the VFS with arguments', async () => {
    const built = await buildGuests(['hello'], build);
    await seed(kit, { '/home/alice/bin/hello.wasm': fs.readFileSync(built.get('hello') as string) });
    const result = await kit.call(vmRunTool, { backend: 'wasi', program: '/home/alice/bin/hello.wasm', args: ['tools'] }, kit.alice);
    assert.deepEqual(json(result.text), { exit_code: 0, stdout: 'hello tools\n', stderr: '' });
    const missing = await kit.call(vmRunTool, { backend: 'wasi', program: '/home/alice/bin/none.wasm' }, kit.alice);
    assert.equal(missing.code, 'not_found');
  });
});

void describe('run refuses before running', () => {
  void it('rejects arguments that do not fit the backend', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ backend: 'wasi', command: ['ls'] }, /the wasi backend needs program/],
      [{ backend: 'sandbox', program: '/home/alice/x.wasm' }, /the sandbox backend needs command/],
      [{ backend: 'sandbox', command: ['ls', '-l'], shell: true }, /with shell: true, command must be exactly one string/],
      [{ backend: 'sandbox', command: 'ls -l' }, /invalid arguments for run/],
      [{ backend: 'vm', command: ['ls'] }, /invalid arguments for run/],
      [{ backend: 'sandbox', command: ['ls'], timeout_ms: 10 }, /invalid arguments for run/],
    ];
    for (const [args, message] of cases) {
      const result = await kit.call(vmRunTool, args, kit.alice);
      assert.equal(result.code, 'payload_invalid', JSON.stringify(args));
      assert.match(result.text, message);
    }
  });

  void it('needs vm.spawn for the backend', async () => {
    const agent = kit.agent('wasi-only', ['vm.spawn:wasi', 'fs.read:/home/alice/**']);
    const denied = await kit.call(vmRunTool, { backend: 'sandbox', command: ['true'] }, agent);
    assert.equal(denied.code, 'permission_denied');
    assert.match(denied.text, /lacks vm\.spawn:sandbox/);
  });

  void it('refuses a timeout above what the principal may ask for', { skip: noBwrap }, async () => {
    const result = await kit.call(vmRunTool, { backend: 'sandbox', command: ['true'], timeout_ms: 3_600_000 }, kit.alice);
    assert.equal(result.ok, true, 'the built-in maximum is an hour');
    assert.equal(vmRunTool.idempotent, false);
  });
});
