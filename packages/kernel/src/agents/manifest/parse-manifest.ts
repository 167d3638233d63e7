/**
 * Reads a manifest from YAML text (or an already-parsed object) into the normalised AgentManifest. Every
 * error names the field and, for YAML, the line and column it is on (from the yaml CST's node ranges), so
 * `capabilities.2 (line 9, column 5): …` points straight at the mistake. All problems are reported at
 * once, as one `payload_invalid` KernelError whose details list them.
 */
import { type Document, isMap, isPair, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { KernelError } from '../../contracts/errors.ts';
import { compileCapability } from '../../security/capability.ts';
import { toolsNamedBy, translateCapability } from './capability-forms.ts';
import { type AgentManifest, DEFAULT_MAX_STEPS, ManifestSchema, NO_RESTART, type RawManifest } from './manifest-schema.ts';

export interface ManifestIssue {
  /** Dotted path of the field (`budget.tokens`, `capabilities.2`); empty for the document itself. */
  field: string;
  line?: number;
  column?: number;
  message: string;
}

/** A manifest whose system prompt may still be a file to read. */
export interface ParsedManifest {
  readonly manifest: Omit<AgentManifest, 'systemPrompt'>;
  readonly systemPrompt: string | { file: string };
}

type Locate = (path: readonly PropertyKey[], key?: string) => { line: number; column: number } | undefined;

const MAX_MANIFEST_BYTES = 512 * 1024;

export function manifestError(issues: readonly ManifestIssue[], source?: string): KernelError {
  const lines = issues.map((issue) => {
    const where = issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`;
    return `${issue.field === '' ? 'manifest' : issue.field}${where}: ${issue.message}`;
  });
  const from = source === undefined ? '' : ` ${source}`;
  return new KernelError('payload_invalid', `invalid agent manifest${from}:\n${lines.join('\n')}`, { issues });
}

function locatorFor(doc: Document, counter: LineCounter): Locate {
  const position = (offset: number | undefined): { line: number; column: number } | undefined =>
    offset === undefined ? undefined : { line: counter.linePos(offset).line, column: counter.linePos(offset).col };
  return (path, key) => {
    // Walk up from the field to the nearest node that exists (a missing field is reported at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as YamlNode | undefined;
      if (node === undefined || node === null) continue;
      if (key !== undefined && depth === path.length && isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
        const keyNode = pair?.key as YamlNode | undefined;
        if (keyNode?.range !== undefined && keyNode.range !== null) return position(keyNode.range[0]);
      }
      if (node.range !== undefined && node.range !== null) return position(node.range[0]);
    }
    return undefined;
  };
}

function issueAt(locate: Locate | undefined, path: readonly PropertyKey[], message: string, key?: string): ManifestIssue {
  const field = [...path, ...(key === undefined ? [] : [key])].map(String).join('.');
  const where = locate?.(path, key);
  return where === undefined ? { field, message } : { field, line: where.line, column: where.column, message };
}

function zodIssues(error: z.ZodError, locate: Locate | undefined): ManifestIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => issueAt(locate, issue.path, `unknown field "${key}"`, key));
    }
    return [issueAt(locate, issue.path, issue.message)];
  });
}

function checkApproval(entry: string): string | undefined {
  if (/^[a-z][a-z0-9_]{0,63}$/.test(entry)) return undefined;
  try {
    compileCapability(entry);
    return undefined;
  } catch (thrown) {
    return `expected a tool name or a capability pattern: ${(thrown as Error).message}`;
  }
}

/** Validates a parsed value; `locate` (YAML only) turns field paths into lines. */
export function validateManifest(value: unknown, locate?: Locate, source?: string): ParsedManifest {
  const parsed = ManifestSchema.safeParse(value);
  if (!parsed.success) throw manifestError(zodIssues(parsed.error, locate), source);
  const raw: RawManifest = parsed.data;
  const issues: ManifestIssue[] = [];
  const capabilities: string[] = [];
  raw.capabilities.forEach((entry, i) => {
    try {
      for (const capability of translateCapability(entry)) if (!capabilities.includes(capability)) capabilities.push(capability);
    } catch (thrown) {
      issues.push(issueAt(locate, ['capabilities', i], (thrown as Error).message));
    }
  });
  raw.approval_required.forEach((entry, i) => {
    const problem = checkApproval(entry);
    if (problem !== undefined) issues.push(issueAt(locate, ['approval_required', i], problem));
  });
  if (typeof raw.system_prompt === 'object' && raw.system_prompt.file === '') {
    issues.push(issueAt(locate, ['system_prompt'], 'file: needs a path'));
  }
  if (issues.length > 0) throw manifestError(issues, source);
  const tools = raw.tools ?? toolsNamedBy(capabilities);
  // Offering a tool asks for the right to use it; the spawn narrows this from the parent like the rest.
  for (const tool of tools) {
    const use = `tool.use:${tool}`;
    if (!capabilities.includes(use) && !capabilities.some((held) => held === 'tool.use' || held === 'tool.*')) capabilities.push(use);
  }
  const tokens = raw.budget?.tokens ?? raw.budget_config?.max_tokens;
  const manifest: Omit<AgentManifest, 'systemPrompt'> = {
    name: raw.name,
    ...(raw.description === undefined ? {} : { description: raw.description }),
    ...(raw.model === undefined ? {} : { model: raw.model }),
    lifecycle: raw.lifecycle,
    ...(raw.schedule === undefined ? {} : { scheduleMs: raw.schedule }),
    capabilities,
    tools,
    approvalRequired: raw.approval_required,
    ...(raw.approval_timeout === undefined ? {} : { approvalTimeoutMs: raw.approval_timeout }),
    budget: {
      steps: raw.budget?.steps ?? DEFAULT_MAX_STEPS,
      ...(tokens === undefined ? {} : { tokens }),
      ...(raw.budget?.cost_usd === undefined ? {} : { costUsd: raw.budget.cost_usd }),
      ...(raw.budget?.wall_time === undefined ? {} : { wallTimeMs: raw.budget.wall_time }),
    },
    ...(raw.memory?.max_history_messages === undefined ? {} : { maxHistoryMessages: raw.memory.max_history_messages }),
    ...(raw.memory?.context_window === undefined ? {} : { contextWindowTokens: raw.memory.context_window }),
    skills: raw.skills,
    restart: raw.restart ?? (raw.lifecycle === 'on-demand' ? NO_RESTART : { policy: 'on-failure', max_restarts: 3, backoff: 1000 }),
    ...(raw.metadata === undefined ? {} : { metadata: raw.metadata }),
  };
  return { manifest, systemPrompt: raw.system_prompt ?? '' };
}

/** Parses YAML text; syntax errors and schema errors both come back with their lines. */
export function parseManifest(text: string, source?: string): ParsedManifest {
  if (typeof text !== 'string') throw manifestError([{ field: '', message: 'a manifest is YAML text' }], source);
  if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) throw manifestError([{ field: '', message: `larger than ${MAX_MANIFEST_BYTES} bytes` }], source);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw manifestError(
      doc.errors.map((error) => {
        const at = error.linePos?.[0];
        // Pretty errors carry the position (and a source excerpt after the first line, left out here).
        const message = error.message.split('\n', 1)[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.code;
        return at === undefined ? { field: '', message } : { field: '', line: at.line, column: at.col, message };
      }),
      source,
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw manifestError([{ field: '', line: 1, column: 1, message: 'a manifest is a YAML mapping (name: …, model: …)' }], source);
  }
  return validateManifest(value, locatorFor(doc, counter), source);
}
