/**
 * Manifests: the examples in examples/agents validate; errors name the field and its line; aaOS
 * manifests keep their meaning; prompts load from files relative to the manifest.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { isKernelError } from '../../contracts/errors.ts';
import { loadManifest } from './load-manifest.ts';
import type { ManifestIssue } from './parse-manifest.ts';
import { parseManifest } from './parse-manifest.ts';

const EXAMPLES = new URL('../../../../../examples/agents/', import.meta.url);
const readExample = (file: string): Promise<string> => readFile(new URL(file.replace(/^\/examples\/agents\//, ''), EXAMPLES), 'utf8');

function issuesOf(fn: () => unknown): ManifestIssue[] {
  try {
    fn();
  } catch (thrown) {
    assert.ok(isKernelError(thrown, 'payload_invalid'), String(thrown));
    return thrown.details?.issues as ManifestIssue[];
  }
  assert.fail('expected the manifest to be refused');
}

describe('example manifests', () => {
  it('every file in examples/agents loads', async () => {
    const files = (await readdir(EXAMPLES)).filter((file) => file.endsWith('.yaml'));
    assert.ok(files.length >= 4);
    for (const file of files) {
      const manifest = await loadManifest({ path: `/examples/agents/${file}` }, readExample);
      assert.ok(manifest.systemPrompt.length > 0, `${file} has a system prompt`);
    }
  });

  it('reads a file prompt relative to the manifest', async () => {
    const manifest = await loadManifest({ path: '/examples/agents/summariser.yaml' }, readExample);
    assert.match(manifest.systemPrompt, /You summarise notes/);
    assert.deepEqual(manifest.budget, { steps: 30, tokens: 200000, costUsd: 0.5, wallTimeMs: 600_000 });
    assert.equal(manifest.approvalTimeoutMs, 1_800_000);
  });

  it('keeps the meaning of an aaOS manifest', async () => {
    const manifest = await loadManifest({ path: '/examples/agents/aaos-hello.yaml' }, readExample);
    assert.deepEqual(manifest.capabilities, [
      'tool.use:web_search',
      'fs.read:/data/project/**',
      'fs.list:/data/project/**',
      'fs.write:/data/project/output/**',
      'tool.use:file_read',
    ]);
    assert.deepEqual(manifest.tools, ['web_search', 'file_read']);
    assert.deepEqual(manifest.approvalRequired, ['file_write']);
    assert.equal(manifest.budget.tokens, 100000);
    assert.equal(manifest.lifecycle, 'on-demand');
  });

  it('gives persistent agents a restart policy', async () => {
    const manifest = await loadManifest({ path: '/examples/agents/watcher.yaml' }, readExample);
    assert.deepEqual(manifest.restart, { policy: 'on-failure', max_restarts: 3, backoff: 5000 });
    assert.equal(manifest.maxHistoryMessages, 200);
  });
});

describe('manifest errors', () => {
  it('name the field and the line of a wrong value', () => {
    const issues = issuesOf(() => parseManifest('name: ok\nlifecycle: forever\nbudget:\n  steps: -1\n'));
    assert.deepEqual(
      issues.map(({ field, line }) => ({ field, line })),
      [
        { field: 'lifecycle', line: 2 },
        { field: 'budget.steps', line: 4 },
      ],
    );
  });

  it('point at a misspelt key', () => {
    const [issue] = issuesOf(() => parseManifest('name: ok\n\ncapabilites:\n  - fs.read:/x/**\n'));
    assert.deepEqual({ field: issue?.field, line: issue?.line, message: issue?.message }, { field: 'capabilites', line: 3, message: 'unknown field "capabilites"' });
  });

  it('point at a bad capability inside a list', () => {
    const [issue] = issuesOf(() => parseManifest('name: ok\ncapabilities:\n  - fs.read:/a/**\n  - "fs.read:/a/../../etc"\n'));
    assert.equal(issue?.field, 'capabilities.1');
    assert.equal(issue?.line, 4);
    assert.match(issue?.message ?? '', /scope/);
  });

  it('report a missing name at the document', () => {
    const [issue] = issuesOf(() => parseManifest('model: x/y\n'));
    assert.equal(issue?.field, 'name');
    assert.equal(issue?.line, 1);
  });

  it('report YAML syntax errors with their line', () => {
    const [issue] = issuesOf(() => parseManifest('name: ok\ncapabilities: [a,\n  b\nmodel: : :\n'));
    assert.equal(typeof issue?.line, 'number');
  });

  it('refuse a schedule on an agent that is not scheduled, and a scheduled agent without one', () => {
    assert.equal(issuesOf(() => parseManifest('name: ok\nschedule: 1h\n'))[0]?.field, 'schedule');
    assert.equal(issuesOf(() => parseManifest('name: ok\nlifecycle: scheduled\n'))[0]?.field, 'schedule');
    assert.equal(parseManifest('name: ok\nlifecycle: scheduled\nschedule: 1h\n').manifest.scheduleMs, 3_600_000);
  });

  it('refuse a relative prompt file in an inline manifest', async () => {
    await assert.rejects(loadManifest({ yaml: 'name: ok\nsystem_prompt: "file:prompt.md"\n' }), { code: 'payload_invalid', message: /system_prompt/ });
  });
});

describe('manifest tools', () => {
  it('ask for tool.use of every offered tool', () => {
    const { manifest } = parseManifest('name: ok\ntools: [echo]\ncapabilities: [fs.read:/a/**]\n');
    assert.deepEqual(manifest.capabilities, ['fs.read:/a/**', 'tool.use:echo']);
  });
});
