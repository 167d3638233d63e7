/**
 * file_write and file_edit against the real VFS: writing creates parents and repeating it changes
 * nothing; edits replace exactly one occurrence, literally, or every one with replace_all; a missing or
 * ambiguous old text fails readably and writes nothing, also when only one edit of several fails; a
 * missing `fs.write` is named, and the VFS refuses again when the loop's check is bypassed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KernelError } from '../../contracts/errors.ts';
import { fileEditTool } from './file-edit.ts';
import { fileWriteTool } from './file-write.ts';
import { contentOf, seed, startToolKit, type ToolKit } from './tool-test-kit.ts';

void describe('file_write', () => {
  let kit: ToolKit;
  before(async () => {
    kit = await startToolKit();
  });
  after(() => kit.dispose());

  void it('creates the file and its parents, and a repeat leaves the same file', async () => {
    const args = { path: '/home/alice/new/deep/file.md', content: '# Title\n' };
    const first = await kit.call(fileWriteTool, args, kit.alice);
    assert.deepEqual(JSON.parse(first.text), { path: '/home/alice/new/deep/file.md', bytes: 8, created: true });
    const again = await kit.call(fileWriteTool, args, kit.alice);
    assert.deepEqual(JSON.parse(again.text), { path: '/home/alice/new/deep/file.md', bytes: 8, created: false });
    assert.equal(await contentOf(kit, '/home/alice/new/deep/file.md'), '# Title\n');
  });

  void it('fails readably without create_parents when the directory is missing', async () => {
    const result = await kit.call(fileWriteTool, { path: '/home/alice/absent/x.txt', content: 'x', create_parents: false }, kit.alice);
    assert.equal(result.code, 'not_found');
    assert.match(result.text, /\/home\/alice\/absent\/x\.txt/);
  });

  void it('needs fs.write on the path; the VFS checks again when the loop is bypassed', async () => {
    const reader = kit.agent('reader', ['fs.read:/home/alice/**']);
    const denied = await kit.call(fileWriteTool, { path: '/home/alice/notes.txt', content: 'overwritten' }, reader);
    assert.equal(denied.code, 'permission_denied');
    assert.match(denied.text, /lacks fs\.write:\/home\/alice\/notes\.txt/);
    const ctx = { principal: reader, agentId: 'reader', owner: 'user:alice', runId: 'r', idempotencyKey: 'k', signal: new AbortController().signal, services: kit.services };
    await assert.rejects(fileWriteTool.execute({ path: '/home/alice/notes.txt', content: 'x', create_parents: true }, ctx), (error: unknown) => {
      assert.ok(error instanceof KernelError);
      assert.equal(error.code, 'permission_denied');
      assert.match(error.message, /fs\.write:\/home\/alice\/notes\.txt/);
      return true;
    });
  });

  void it('rejects arguments that do not fit the schema', async () => {
    assert.equal((await kit.call(fileWriteTool, { path: '/home/alice/x.txt' }, kit.alice)).code, 'payload_invalid');
    assert.equal((await kit.call(fileWriteTool, { path: '/home/alice/a*b', content: '' }, kit.alice)).code, 'payload_invalid');
  });
});

void describe('file_edit', () => {
  let kit: ToolKit;
  const path = '/home/alice/code.ts';
  const source = 'const a = 1;\nconst b = 2;\nconst b2 = 2;\nexport { a, b };\n';
  before(async () => {
    kit = await startToolKit();
  });
  after(() => kit.dispose());
  const reset = (): Promise<void> => seed(kit, { [path]: source });

  void it('replaces one unique occurrence, literally', async () => {
    await reset();
    const result = await kit.call(fileEditTool, { path, old_string: 'const a = 1;', new_string: 'const a = "$&$1";' }, kit.alice);
    assert.deepEqual(JSON.parse(result.text), { path, edits: 1, replacements: 1, bytes: Buffer.byteLength(source) + 5 });
    assert.equal(await contentOf(kit, path), source.replace('const a = 1;', () => 'const a = "$&$1";'));
  });

  void it('refuses an ambiguous old text, naming the lines, and writes nothing', async () => {
    await reset();
    const result = await kit.call(fileEditTool, { path, old_string: '= 2;', new_string: '= 3;' }, kit.alice);
    assert.equal(result.ok, false);
    assert.equal(result.code, 'payload_invalid');
    assert.match(result.text, /old_string occurs 2 times in \/home\/alice\/code\.ts \(lines 2, 3\); include more surrounding text .* or set replace_all \(nothing was written\)/);
    assert.equal(await contentOf(kit, path), source);
  });

  void it('replaces every occurrence with replace_all', async () => {
    await reset();
    const result = await kit.call(fileEditTool, { path, old_string: '= 2;', new_string: '= 3;', replace_all: true }, kit.alice);
    assert.equal(JSON.parse(result.text).replacements, 2);
    assert.equal(await contentOf(kit, path), source.replaceAll('= 2;', '= 3;'));
  });

  void it('says when the old text is missing, with a hint', async () => {
    await reset();
    const result = await kit.call(fileEditTool, { path, old_string: 'const  a = 1;', new_string: 'x' }, kit.alice);
    assert.match(result.text, /old_string was not found in \/home\/alice\/code\.ts; copy the old text exactly/);
    const spaced = await kit.call(fileEditTool, { path, old_string: '  const a = 1;\n', new_string: 'x' }, kit.alice);
    assert.match(spaced.text, /different surrounding whitespace/);
  });

  void it('applies a list of edits in order, all or nothing', async () => {
    await reset();
    const ok = await kit.call(fileEditTool, { path, edits: [{ old_string: 'const a', new_string: 'let a' }, { old_string: 'let a = 1', new_string: 'let a = 10' }] }, kit.alice);
    assert.equal(JSON.parse(ok.text).edits, 2);
    assert.ok((await contentOf(kit, path)).startsWith('let a = 10;\n'));
    await reset();
    const failed = await kit.call(fileEditTool, { path, edits: [{ old_string: 'const a', new_string: 'let a' }, { old_string: 'missing', new_string: 'x' }] }, kit.alice);
    assert.match(failed.text, /^error \(payload_invalid\): edit 2: old_string was not found/);
    assert.equal(await contentOf(kit, path), source, 'the first edit was not written either');
  });

  void it('rejects mixed or incomplete forms and no-op edits', async () => {
    await reset();
    const both = await kit.call(fileEditTool, { path, old_string: 'a', new_string: 'b', edits: [{ old_string: 'a', new_string: 'b' }] }, kit.alice);
    assert.equal(both.code, 'payload_invalid');
    assert.match(both.text, /give either old_string and new_string, or edits/);
    assert.equal((await kit.call(fileEditTool, { path, old_string: 'a' }, kit.alice)).code, 'payload_invalid');
    const same = await kit.call(fileEditTool, { path, old_string: 'const a', new_string: 'const a' }, kit.alice);
    assert.match(same.text, /are the same; nothing to change/);
  });

  void it('edits text files only, and needs fs.write', async () => {
    await seed(kit, { '/home/alice/blob.bin': Buffer.from([1, 0, 2]) });
    const binary = await kit.call(fileEditTool, { path: '/home/alice/blob.bin', old_string: 'a', new_string: 'b' }, kit.alice);
    assert.match(binary.text, /is not UTF-8 text/);
    const missing = await kit.call(fileEditTool, { path: '/home/alice/none.ts', old_string: 'a', new_string: 'b' }, kit.alice);
    assert.equal(missing.code, 'not_found');
    const reader = kit.agent('reader', ['fs.read:/home/alice/**']);
    const denied = await kit.call(fileEditTool, { path, old_string: 'const a', new_string: 'let a' }, reader);
    assert.match(denied.text, /lacks fs\.write:\/home\/alice\/code\.ts/);
  });

  void it('is declared not idempotent, unlike file_write', () => {
    assert.equal(fileEditTool.idempotent, false);
    assert.equal(fileWriteTool.idempotent, true);
  });
});
