/**
 * file_read and file_read_many against the real VFS: whole files, line and byte windows that say how to
 * read on, the 64 KiB budget cut on a line boundary, an over-long line, binary files named not shown,
 * missing files and bad paths as readable errors, and a missing `fs.read` named in the denial.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileReadManyTool } from './file-read-many.ts';
import { fileReadTool } from './file-read.ts';
import { seed, startToolKit, type ToolKit } from './tool-test-kit.ts';

const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

void describe('file_read', () => {
  let kit: ToolKit;
  before(async () => {
    kit = await startToolKit();
    await seed(kit, {
      '/home/alice/notes.txt': 'milk\neggs\n',
      '/home/alice/long.txt': numbered(3000),
      '/home/alice/wide.txt': `${'x'.repeat(100)}\n`.repeat(1000),
      '/home/alice/one-line.txt': 'y'.repeat(70_000),
      '/home/alice/image.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]),
      '/home/alice/empty.txt': '',
      '/home/alice/secret/key.txt': 'hunter2',
    });
  });
  after(() => kit.dispose());

  void it('returns a small file exactly', async () => {
    const result = await kit.call(fileReadTool, { path: '/home/alice/notes.txt' }, kit.alice);
    assert.deepEqual(result, { ok: true, text: 'milk\neggs\n' });
  });

  void it('shows the first 2000 lines and says which offset reads on; reading on reaches the end', async () => {
    const first = await kit.call(fileReadTool, { path: '/home/alice/long.txt' }, kit.alice);
    assert.ok(first.text.startsWith('line 1\nline 2\n'));
    assert.match(first.text, /line 2000\n\[showed lines 1–2000 \(up to byte \d+ of \d+\); read on with offset 2000\]$/);
    assert.doesNotMatch(first.text, /line 2001/);
    const rest = await kit.call(fileReadTool, { path: '/home/alice/long.txt', offset: 2000 }, kit.alice);
    assert.ok(rest.text.startsWith('line 2001\n'));
    assert.ok(rest.text.endsWith('line 3000\n'), 'the last window has no notice');
  });

  void it('takes a window of lines or of bytes', async () => {
    const lines = await kit.call(fileReadTool, { path: '/home/alice/long.txt', offset: 9, limit: 2 }, kit.alice);
    assert.match(lines.text, /^line 10\nline 11\n\[showed lines 10–11 /);
    const bytes = await kit.call(fileReadTool, { path: '/home/alice/notes.txt', unit: 'bytes', offset: 5, limit: 3 }, kit.alice);
    assert.equal(bytes.text, 'egg\n[showed bytes 5–8 of 10; read on with unit "bytes", offset 8]');
  });

  void it('cuts at 64 KiB on a line boundary', async () => {
    const result = await kit.call(fileReadTool, { path: '/home/alice/wide.txt' }, kit.alice);
    const [content = '', notice = ''] = result.text.split('\n[');
    assert.equal(Buffer.byteLength(`${content}\n`) <= 64 * 1024, true);
    assert.equal(content.split('\n').every((line) => line.length === 100), true, 'only whole lines');
    assert.match(notice, /^showed lines 1–648 .*read on with offset 648\]$/);
  });

  void it('shows a file of exactly 64 KiB whole, and cuts one byte-line more', async () => {
    const exact = `${'z'.repeat(127)}\n`.repeat(512);
    await seed(kit, { '/home/alice/edge.txt': exact, '/home/alice/edge-plus.txt': `${exact}!\n` });
    const whole = await kit.call(fileReadTool, { path: '/home/alice/edge.txt' }, kit.alice);
    assert.equal(whole.text, exact);
    const plus = await kit.call(fileReadTool, { path: '/home/alice/edge-plus.txt' }, kit.alice);
    assert.equal(plus.text, `${exact}[showed lines 1–512 (up to byte 65536 of 65538); read on with offset 512]`);
    assert.equal((await kit.call(fileReadTool, { path: '/home/alice/edge-plus.txt', offset: 512 }, kit.alice)).text, '!\n');
  });

  void it('shows the start of a line longer than the budget and points at the byte offset', async () => {
    const result = await kit.call(fileReadTool, { path: '/home/alice/one-line.txt' }, kit.alice);
    assert.match(result.text, /\[line 1 is longer than 64\.0 KiB; showed its first 65536 bytes; read on with unit "bytes", offset 65536\]$/);
  });

  void it('names binary and empty files instead of showing them', async () => {
    assert.equal((await kit.call(fileReadTool, { path: '/home/alice/image.bin' }, kit.alice)).text, '[/home/alice/image.bin is a binary file of 8 B; file_read shows text only]');
    assert.equal((await kit.call(fileReadTool, { path: '/home/alice/empty.txt' }, kit.alice)).text, '[/home/alice/empty.txt is empty]');
    const past = await kit.call(fileReadTool, { path: '/home/alice/notes.txt', offset: 5 }, kit.alice);
    assert.equal(past.text, '[/home/alice/notes.txt has only 2 lines; nothing at line offset 5]');
  });

  void it('answers a missing file and a bad path with errors the model can act on', async () => {
    const missing = await kit.call(fileReadTool, { path: '/home/alice/nope.txt' }, kit.alice);
    assert.equal(missing.code, 'not_found');
    assert.match(missing.text, /no such file or directory: \/home\/alice\/nope\.txt/);
    const relative = await kit.call(fileReadTool, { path: 'notes.txt' }, kit.alice);
    assert.equal(relative.code, 'payload_invalid');
    assert.match(relative.text, /must be absolute/);
    const tilde = await kit.call(fileReadTool, { path: '~/notes.txt' }, kit.alice);
    assert.match(tilde.text, /"~" is not expanded, so write the home directory out/);
    const climbing = await kit.call(fileReadTool, { path: '/../etc/passwd' }, kit.alice);
    assert.match(climbing.text, /climbs above/);
    const negative = await kit.call(fileReadTool, { path: '/home/alice/notes.txt', limit: 0 }, kit.alice);
    assert.equal(negative.code, 'payload_invalid');
  });

  void it('needs fs.read on the path, and says so', async () => {
    const agent = kit.agent('reader', ['fs.read:/home/alice/notes.txt']);
    assert.equal((await kit.call(fileReadTool, { path: '/home/alice/notes.txt' }, agent)).ok, true);
    const denied = await kit.call(fileReadTool, { path: '/home/alice/secret/../secret/key.txt' }, agent);
    assert.equal(denied.code, 'permission_denied');
    assert.match(denied.text, /lacks fs\.read:\/home\/alice\/secret\/key\.txt/);
  });
});

void describe('file_read_many', () => {
  let kit: ToolKit;
  before(async () => {
    kit = await startToolKit();
    await seed(kit, { '/home/alice/a.txt': 'alpha\n', '/home/alice/docs/b.txt': numbered(50), '/home/alice/bin.dat': Buffer.from([0, 1, 2]) });
  });
  after(() => kit.dispose());

  void it('reads each file under its header; a failing file gets its error and the rest are still read', async () => {
    const result = await kit.call(fileReadManyTool, { paths: ['/home/alice/a.txt', '/home/alice/missing.txt', '/home/alice/docs/b.txt', '/home/alice/bin.dat'], limit_per_file: 3 }, kit.alice);
    assert.equal(result.ok, true);
    assert.match(result.text, /^==> \/home\/alice\/a\.txt <==\nalpha\n\n==> \/home\/alice\/missing\.txt <==\n\[error \(not_found\): no such file/);
    assert.match(result.text, /==> \/home\/alice\/docs\/b\.txt <==\nline 1\nline 2\nline 3\n\[showed lines 1–3 .*offset 3\]/);
    assert.match(result.text, /==> \/home\/alice\/bin\.dat <==\n\[\/home\/alice\/bin\.dat is a binary file/);
  });

  void it('needs fs.read on the smallest tree holding every path', async () => {
    const agent = kit.agent('picky', ['fs.read:/home/alice/a.txt', 'fs.read:/home/alice/docs/**']);
    assert.equal((await kit.call(fileReadManyTool, { paths: ['/home/alice/docs/b.txt'] }, agent)).ok, true);
    const denied = await kit.call(fileReadManyTool, { paths: ['/home/alice/a.txt', '/home/alice/docs/b.txt'] }, agent);
    assert.equal(denied.code, 'permission_denied');
    assert.match(denied.text, /lacks fs\.read:\/home\/alice\/\*\*/);
  });

  void it('refuses an empty or overlong list', async () => {
    assert.equal((await kit.call(fileReadManyTool, { paths: [] }, kit.alice)).code, 'payload_invalid');
    const many = Array.from({ length: 21 }, (_, i) => `/home/alice/${i}.txt`);
    assert.equal((await kit.call(fileReadManyTool, { paths: many }, kit.alice)).code, 'payload_invalid');
  });
});
