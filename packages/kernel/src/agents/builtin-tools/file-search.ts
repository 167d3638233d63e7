/**
 * `file_search`: lines matching a pattern in the text files under a VFS path, as `path:line: text`. The
 * pattern is literal by default; `regex: true` makes it a JavaScript regular expression, run in a worker
 * under a time budget (line-matcher.ts) so a catastrophically backtracking pattern is stopped, not
 * endured. Every dimension is bounded: matches, files scanned, bytes read, file size, line length shown;
 * what was skipped or cut is said at the end. Needs `fs.read:<path>/**`; idempotent.
 */
import { z } from 'zod';
import { toKernelError } from '../../contracts/errors.ts';
import type { VfsEntry } from '../../vfs/index.ts';
import { defineTool } from '../tools/tool.ts';
import { type LineMatcher, literalMatcher, regexMatcher } from './line-matcher.ts';
import { nameFilter } from './name-glob.ts';
import { VFS } from './services.ts';
import { decodeText, formatBytes, looksBinary } from './text.ts';
import { walk, type WalkNotes } from './tree-walk.ts';
import { pathCapability, relativeTo, VfsPathInput } from './vfs-input.ts';

const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
const SHOWN_CHARS = 240;
export const REGEX_BUDGET_MS = 2000;

function shown(line: string, column: number): string {
  if (line.length <= SHOWN_CHARS) return line;
  const from = Math.max(0, Math.min(column - 60, line.length - SHOWN_CHARS));
  return `${from > 0 ? '…' : ''}${line.slice(from, from + SHOWN_CHARS)}${from + SHOWN_CHARS < line.length ? '…' : ''}`;
}

export const fileSearchTool = defineTool({
  name: 'file_search',
  description:
    'Search the text files under a directory (or one file) for a pattern; answers "path:line: text" for each matching line. ' +
    'The pattern is literal unless regex is true (JavaScript syntax). Use glob to pick files by name, e.g. "*.ts".',
  input: z.object({
    path: VfsPathInput,
    pattern: z.string().min(1).max(1000),
    regex: z.boolean().default(false).describe('treat pattern as a regular expression'),
    case_sensitive: z.boolean().default(true),
    glob: z.string().min(1).max(200).optional().describe('only files whose name (or, with "/", relative path) matches; * and ? wildcards'),
    max_matches: z.number().int().min(1).max(1000).default(100),
    max_files: z.number().int().min(1).max(5000).default(1000).describe('most files read'),
  }),
  capability: ({ path }) => pathCapability('read', path, true),
  idempotent: true,
  async execute(input, ctx) {
    const vfs = ctx.services.require(VFS);
    const root = await vfs.stat(ctx.principal, input.path);
    const matcher: LineMatcher = input.regex ? regexMatcher(input.pattern, input.case_sensitive, REGEX_BUDGET_MS) : literalMatcher(input.pattern, input.case_sensitive);
    const keep = input.glob === undefined ? () => true : nameFilter(input.glob);
    const notes: WalkNotes = { problems: [], cut: false };
    const hits: string[] = [];
    const skipped = { binary: 0, large: 0, unreadable: 0 };
    const stops: string[] = [];
    let files = 0;
    let matchedFiles = 0;
    let bytes = 0;
    const base = root.type === 'directory' ? input.path : input.path.slice(0, input.path.lastIndexOf('/')) || '/';
    const candidates: AsyncIterable<VfsEntry> | VfsEntry[] =
      root.type === 'directory'
        ? walk(vfs, ctx.principal, input.path, { maxDepth: 32, maxDirectories: 5000 }, notes, ctx.signal)
        : [{ name: input.path.slice(input.path.lastIndexOf('/') + 1), path: input.path, type: root.type, size: root.size, mtime: root.mtime }];
    try {
      for await (const entry of candidates) {
        if (entry.type !== 'file' || !keep(entry.name, relativeTo(base, entry.path))) continue;
        if (files >= input.max_files) {
          stops.push(`stopped after reading ${input.max_files} files (max_files); narrow path or glob`);
          break;
        }
        if (entry.size > MAX_FILE_BYTES) {
          skipped.large += 1;
          continue;
        }
        if (bytes + entry.size > MAX_TOTAL_BYTES) {
          stops.push(`stopped after reading ${formatBytes(bytes)}; narrow path or glob`);
          break;
        }
        let data: Buffer;
        try {
          data = (await vfs.read(ctx.principal, entry.path, { length: MAX_FILE_BYTES })).data;
        } catch (thrown) {
          skipped.unreadable += 1;
          if (notes.problems.length < 10) notes.problems.push(`${entry.path}: ${toKernelError(thrown).message}`);
          continue;
        }
        files += 1;
        bytes += data.length;
        if (looksBinary(data)) {
          skipped.binary += 1;
          continue;
        }
        const text = decodeText(data);
        const found = await matcher.match(text, input.max_matches - hits.length);
        if (found === undefined) {
          stops.push(`the regular expression ran out of its ${REGEX_BUDGET_MS} ms budget (it may backtrack catastrophically); results are incomplete — simplify it or search literally`);
          break;
        }
        if (found.length > 0) matchedFiles += 1;
        const lines = found.length > 0 ? text.split('\n') : [];
        for (const [line, column] of found) hits.push(`${relativeTo(base, entry.path)}:${line}: ${shown((lines[line - 1] ?? '').replace(/\r$/, ''), column)}`);
        if (hits.length >= input.max_matches) {
          stops.push(`stopped at ${input.max_matches} matches (max_matches); narrow the search or raise it`);
          break;
        }
      }
    } finally {
      await matcher.close();
    }
    const header = `${hits.length} matching line${hits.length === 1 ? '' : 's'} in ${matchedFiles} file${matchedFiles === 1 ? '' : 's'} (read ${files} file${files === 1 ? '' : 's'} under ${base})`;
    const tail = [...stops];
    const skips = [
      skipped.binary > 0 ? `${skipped.binary} binary` : '',
      skipped.large > 0 ? `${skipped.large} over ${formatBytes(MAX_FILE_BYTES)}` : '',
      skipped.unreadable > 0 ? `${skipped.unreadable} unreadable` : '',
    ].filter((s) => s !== '');
    if (skips.length > 0) tail.push(`files skipped: ${skips.join(', ')}`);
    if (notes.cut && stops.length === 0) tail.push('some directories were not searched (too deep or too many)');
    for (const problem of notes.problems) tail.push(`not searched: ${problem}`);
    return [header, ...hits, ...tail.map((t) => `[${t}]`)].join('\n');
  },
});
