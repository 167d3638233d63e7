/**
 * Turns a manifest source (YAML text, an object, or a path) into the AgentManifest the runtime uses,
 * reading the manifest and its `system_prompt: { file }` through a reader the caller supplies (the VFS,
 * as the calling principal, so reading a manifest needs the same `fs.read` as reading any file). A
 * relative prompt path is resolved against the manifest's own directory.
 */
import path from 'node:path/posix';
import { KernelError } from '../../contracts/errors.ts';
import type { AgentManifest } from './manifest-schema.ts';
import { manifestError, type ParsedManifest, parseManifest, validateManifest } from './parse-manifest.ts';

/** Reads a file as UTF-8 text; rejects with the VFS's KernelError (`not_found`, `permission_denied`, …). */
export type TextReader = (path: string) => Promise<string>;

/** Where a manifest comes from; `model` overrides the manifest's model (`aether run --model`). */
export type ManifestSource = ({ yaml: string } | { object: Record<string, unknown> } | { path: string }) & { model?: string };

const MAX_PROMPT_BYTES = 256 * 1024;

async function resolvePrompt(parsed: ParsedManifest, read: TextReader | undefined, baseDir: string | undefined, source?: string): Promise<string> {
  const prompt = parsed.systemPrompt;
  if (typeof prompt === 'string') return prompt;
  const file = path.isAbsolute(prompt.file) ? prompt.file : baseDir === undefined ? undefined : path.join(baseDir, prompt.file);
  if (file === undefined) {
    throw manifestError([{ field: 'system_prompt', message: `"${prompt.file}" is relative; an inline manifest needs an absolute prompt path` }], source);
  }
  if (read === undefined) throw manifestError([{ field: 'system_prompt', message: 'no file reader is available for file prompts' }], source);
  const text = await read(file);
  if (Buffer.byteLength(text) > MAX_PROMPT_BYTES) {
    throw manifestError([{ field: 'system_prompt', message: `${file} is larger than ${MAX_PROMPT_BYTES} bytes` }], source);
  }
  return text;
}

export async function loadManifest(source: ManifestSource, read?: TextReader): Promise<AgentManifest> {
  let parsed: ParsedManifest;
  let baseDir: string | undefined;
  let label: string | undefined;
  if ('path' in source) {
    if (read === undefined) throw new KernelError('not_found', 'manifests cannot be read by path on this kernel (no file system)');
    label = source.path;
    parsed = parseManifest(await read(source.path), label);
    baseDir = path.dirname(source.path);
  } else if ('yaml' in source) {
    parsed = parseManifest(source.yaml);
  } else {
    parsed = validateManifest(source.object);
  }
  const model = source.model ?? parsed.manifest.model;
  return { ...parsed.manifest, ...(model === undefined ? {} : { model }), systemPrompt: await resolvePrompt(parsed, read, baseDir, label) };
}
