/**
 * file_list and file_search against the real VFS: flat and recursive listings with depth and entry
 * limits that say what they left out; literal, case-insensitive, glob-filtered and regex searches;
 * bounded matches, binary files skipped, long lines cut; an invalid regex and a catastrophically
 * backtracking one answered readably; and the tree capabilities each needs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileListTool } from './file-list.ts';
import { fileSearchTool } from './file-search.ts';
import { seed, startToolKit, type ToolKit } from './tool-test-kit.ts';

let kit: ToolKit;
before(async () => {
  kit = await startToolKit();
  await seed(kit, {
    '/home/alice/proj/README.md': '# Proj\nTODO: write docs\n',
    '/home/alice/proj/src/main.ts': 'import { helper } from "./lib.ts";\n// todo: tests\nhelper();\n',
    '/home/alice/proj/src/lib.ts': 'export function helper() {\n  return 42;\n}\n',
    '/home/alice/proj/src/deep/deeper/leaf.ts': 'const TODO = "leaf";\n',
    '/home/alice/proj/logo.png': Buffer.from([0x89, 0x50, 0, 0, 0x54, 0x4f, 0x44, 0x4f]),
    '/home/alice/proj/long.txt': `${'a'.repeat(1000)}TODO${'b'.repeat(1000)}\n`,
    '/home/alice/proj/evil.txt': `${'a'.repeat(40)}!\n`,
  });
  for (let i = 0; i < 30; i++) await seed(kit, { [`/home/alice/many/f${String(i).padStart(2, '0')}.txt`]: `TODO ${i}\n` });
});
after(() => kit.dispose());

void describe('file_list', () => {
  void it('lists a directory: directories end in "/", files show their size', async () => {
    const result = await kit.call(fileListTool, { path: '/home/alice/proj' }, kit.alice);
    assert.equal(result.text, ['/home/alice/proj/', 'README.md  24 B', 'evil.txt  42 B', 'logo.png  8 B', 'long.txt  2.0 KiB', 'src/'].join('\n'));
  });

  void it('lists a tree to a depth, and says what is deeper', async () => {
    const result = await kit.call(fileListTool, { path: '/home/alice/proj', recursive: true, max_depth: 2 }, kit.alice);
    assert.match(result.text, /\nsrc\/deep\/\nsrc\/lib\.ts {2}42 B\nsrc\/main\.ts/);
    assert.doesNotMatch(result.text, /deeper\//);
    assert.match(result.text, /\[deeper levels not listed \(max_depth 2\)/);
    const all = await kit.call(fileListTool, { path: '/home/alice/proj', recursive: true, max_depth: 5 }, kit.alice);
    assert.match(all.text, /src\/deep\/deeper\/leaf\.ts/);
  });

  void it('cuts at max_entries with a notice', async () => {
    const result = await kit.call(fileListTool, { path: '/home/alice/many', max_entries: 10 }, kit.alice);
    const lines = result.text.split('\n');
    assert.equal(lines.length, 12);
    assert.equal(lines[10], 'f09.txt  7 B');
    assert.equal(lines[11], '[listing cut at 10 entries; list a subdirectory, or raise max_entries]');
  });

  void it('describes a file instead of failing, and a missing path readably', async () => {
    assert.equal((await kit.call(fileListTool, { path: '/home/alice/proj/README.md' }, kit.alice)).text, '/home/alice/proj/README.md is a file of 24 B, not a directory');
    const missing = await kit.call(fileListTool, { path: '/home/alice/nothing' }, kit.alice);
    assert.equal(missing.code, 'not_found');
    assert.match(missing.text, /\/home\/alice\/nothing/);
  });

  void it('needs fs.list on the directory, or on its tree when recursive', async () => {
    const agent = kit.agent('lister', ['fs.list:/home/alice/proj', 'fs.read:/home/alice/**']);
    assert.equal((await kit.call(fileListTool, { path: '/home/alice/proj' }, agent)).ok, true);
    const denied = await kit.call(fileListTool, { path: '/home/alice/proj', recursive: true }, agent);
    assert.equal(denied.code, 'permission_denied');
    assert.match(denied.text, /lacks fs\.list:\/home\/alice\/proj\/\*\*/);
  });
});

void describe('file_search', () => {
  void it('finds a literal pattern, as path:line: text', async () => {
    const result = await kit.call(fileSearchTool, { path: '/home/alice/proj', pattern: 'helper' }, kit.alice);
    assert.equal(
      result.text,
      [
        '3 matching lines in 2 files (read 7 files under /home/alice/proj)',
        'src/lib.ts:1: export function helper() {',
        'src/main.ts:1: import { helper } from "./lib.ts";',
        'src/main.ts:3: helper();',
        '[files skipped: 1 binary]',
      ].join('\n'),
    );
  });

  void it('searches case-insensitively, filtered by a glob, and cuts long lines around the match', async () => {
    const result = await kit.call(fileSearchTool, { path: '/home/alice/proj', pattern: 'todo', case_sensitive: false, glob: '*.ts' }, kit.alice);
    assert.match(result.text, /^2 matching lines in 2 files/);
    assert.match(result.text, /src\/main\.ts:2: \/\/ todo: tests/);
    assert.match(result.text, /src\/deep\/deeper\/leaf\.ts:1: const TODO/);
    const long = await kit.call(fileSearchTool, { path: '/home/alice/proj/long.txt', pattern: 'TODO' }, kit.alice);
    const line = long.text.split('\n')[1] ?? '';
    assert.match(line, /^long\.txt:1: …a+TODOb+…$/);
    assert.ok(line.length < 300);
  });

  void it('runs a regular expression, and refuses an invalid one', async () => {
    const result = await kit.call(fileSearchTool, { path: '/home/alice/proj/src', pattern: '^\\s+return \\d+;$', regex: true }, kit.alice);
    assert.match(result.text, /^1 matching line in 1 file .*\nlib\.ts:2: {3}return 42;$/);
    const invalid = await kit.call(fileSearchTool, { path: '/home/alice/proj', pattern: '(unclosed', regex: true }, kit.alice);
    assert.equal(invalid.code, 'payload_invalid');
    assert.match(invalid.text, /invalid regular expression/);
  });

  void it('stops a catastrophically backtracking regex and says so', async () => {
    const result = await kit.call(fileSearchTool, { path: '/home/alice/proj/evil.txt', pattern: '^(a+)+$', regex: true }, kit.alice);
    assert.equal(result.ok, true);
    assert.match(result.text, /ran out of its 2000 ms budget \(it may backtrack catastrophically\); results are incomplete/);
  });

  void it('bounds matches and files read', async () => {
    const matches = await kit.call(fileSearchTool, { path: '/home/alice/many', pattern: 'TODO', max_matches: 5 }, kit.alice);
    assert.equal(matches.text.split('\n').length, 7);
    assert.match(matches.text, /\[stopped at 5 matches \(max_matches\)/);
    const files = await kit.call(fileSearchTool, { path: '/home/alice/many', pattern: 'TODO', max_files: 3 }, kit.alice);
    assert.match(files.text, /^3 matching lines in 3 files \(read 3 files/);
    assert.match(files.text, /\[stopped after reading 3 files \(max_files\)/);
  });

  void it('needs fs.read on the tree', async () => {
    const agent = kit.agent('searcher', ['fs.read:/home/alice/proj/README.md', 'fs.list:/home/alice/**']);
    const denied = await kit.call(fileSearchTool, { path: '/home/alice/proj', pattern: 'x' }, agent);
    assert.equal(denied.code, 'permission_denied');
    assert.match(denied.text, /lacks fs\.read:\/home\/alice\/proj\/\*\*/);
  });
});
