/**
 * Manifest capabilities in either grammar. Aether's own (`fs.read:/home/alice/**`, `tool.use:file_read`)
 * pass through after validation; aaOS's declaration forms are translated to what they mean there:
 *
 *   "tool: X"               → tool.use:X
 *   "file_read: /data/*"    → fs.read:/data/** and fs.list:/data/**   (aaOS `*` is a prefix match; its
 *                              file_list needs read on the directory)
 *   "file_write: /data/*"   → fs.write:/data/**
 *   web_search              → tool.use:web_search
 *   "network_access: host"  → net.fetch:https://host/**
 *   "spawn_child: [a, b]"   → agent.spawn:a, agent.spawn:b   (`[*]` → agent.spawn)
 *   "message_send: [a]"     → agent.message:a                (`[*]` → agent.message)
 */
import { compileCapability } from '../../security/capability.ts';

const AAOS_FORM = /^([a-z_]+)\s*:\s*(.*)$/s;

function pathGlob(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.endsWith('/*')) return `${trimmed.slice(0, -1)}**`;
  if (trimmed === '*') return '/**';
  return trimmed;
}

function nameList(raw: string): string[] {
  const inner = raw.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner
    .split(',')
    .map((name) => name.trim().replace(/^["']|["']$/g, ''))
    .filter((name) => name !== '');
}

function scoped(head: string, names: readonly string[]): string[] {
  if (names.length === 0) throw new Error(`expected a list of names, e.g. [researcher]`);
  return names.includes('*') ? [head] : names.map((name) => `${head}:${name}`);
}

function translateAaos(kind: string, value: string): string[] | undefined {
  switch (kind) {
    case 'tool':
      return [`tool.use:${value.trim()}`];
    case 'file_read':
      return [`fs.read:${pathGlob(value)}`, `fs.list:${pathGlob(value)}`];
    case 'file_write':
      return [`fs.write:${pathGlob(value)}`];
    case 'network_access':
      return [`net.fetch:https://${value.trim()}/**`];
    case 'spawn_child':
      return scoped('agent.spawn', nameList(value));
    case 'message_send':
      return scoped('agent.message', nameList(value));
    default:
      return undefined;
  }
}

/**
 * The Aether capabilities one manifest entry stands for, canonical. Throws an Error whose message says
 * what is wrong with the entry (the manifest parser adds where it is).
 */
export function translateCapability(entry: string): string[] {
  const text = entry.trim();
  if (text === 'web_search') return ['tool.use:web_search'];
  const head = text.split(':', 1)[0] ?? '';
  let capabilities: string[];
  if (head.includes('.')) {
    capabilities = [text];
  } else {
    const match = AAOS_FORM.exec(text);
    const translated = match === null ? undefined : translateAaos(match[1] ?? '', match[2] ?? '');
    if (translated === undefined) {
      throw new Error(`"${text}" is neither an Aether capability (<domain>.<action>[:<scope>]) nor an aaOS form (tool:, file_read:, file_write:, …)`);
    }
    capabilities = translated;
  }
  return capabilities.map((capability) => compileCapability(capability).text);
}

/** Tool names granted by `tool.use:<name>` capabilities (wildcards name no tool). */
export function toolsNamedBy(capabilities: readonly string[]): string[] {
  const names: string[] = [];
  for (const capability of capabilities) {
    const match = /^tool\.use:([a-z][a-z0-9_]*)$/.exec(capability);
    if (match?.[1] !== undefined && !names.includes(match[1])) names.push(match[1]);
  }
  return names;
}
