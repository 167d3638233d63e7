/**
 * `file_list`: the entries of a VFS directory, or of its tree with `recursive` (to a depth, at most a
 * number of entries, shallow entries first), one per line as a path relative to the directory:
 * directories end in `/`, files show their size, symbolic links are marked. A cut listing says so.
 * Needs `fs.list:<path>`, or `fs.list:<path>/**` for a recursive listing; idempotent.
 */
import { z } from 'zod';
import { defineTool } from '../tools/tool.ts';
import { VFS } from './services.ts';
import { formatBytes } from './text.ts';
import { walk, type WalkEntry, type WalkNotes } from './tree-walk.ts';
import { pathCapability, relativeTo, VfsPathInput } from './vfs-input.ts';

function line(root: string, entry: WalkEntry): string {
  const name = relativeTo(root, entry.path);
  if (entry.type === 'directory') return `${name}/`;
  if (entry.type === 'symlink') return `${name} -> (symbolic link)`;
  if (entry.type === 'other') return `${name} (special file)`;
  return `${name}  ${formatBytes(entry.size)}`;
}

export const fileListTool = defineTool({
  name: 'file_list',
  description:
    'List a directory: one entry per line, relative to it; directories end in "/", files show their size. ' +
    'With recursive, lists the tree below it too (shallow entries first) up to max_depth and max_entries.',
  input: z.object({
    path: VfsPathInput,
    recursive: z.boolean().default(false),
    max_depth: z.number().int().min(1).max(20).default(3).describe('levels below path listed when recursive'),
    max_entries: z.number().int().min(1).max(5000).default(500),
  }),
  capability: ({ path, recursive }) => pathCapability('list', path, recursive),
  idempotent: true,
  async execute({ path, recursive, max_depth, max_entries }, ctx) {
    const vfs = ctx.services.require(VFS);
    const stat = await vfs.stat(ctx.principal, path);
    if (stat.type !== 'directory') return `${path} is a ${stat.type === 'file' ? `file of ${formatBytes(stat.size)}` : stat.type}, not a directory`;
    const notes: WalkNotes = { problems: [], cut: false };
    const entries: WalkEntry[] = [];
    const limits = { maxDepth: recursive ? max_depth : 1, maxDirectories: recursive ? 2000 : 1 };
    let more = false;
    for await (const entry of walk(vfs, ctx.principal, path, limits, notes, ctx.signal)) {
      if (entries.length >= max_entries) {
        more = true;
        break;
      }
      entries.push(entry);
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const lines = entries.map((entry) => line(path, entry));
    if (entries.length === 0) lines.push('(empty directory)');
    if (more) lines.push(`[listing cut at ${max_entries} entries; list a subdirectory, or raise max_entries]`);
    else if (notes.cut && recursive) lines.push(`[deeper levels not listed (max_depth ${max_depth}); list a subdirectory to see them]`);
    for (const problem of notes.problems) lines.push(`[not listed: ${problem}]`);
    return `${path}/\n${lines.join('\n')}`.replace(/^\/\//, '/');
  },
});
