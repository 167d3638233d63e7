/**
 * `file_read_many`: several text files in one call (up to 20), each under a `==> path <==` header, with
 * a per-file line limit and a shared byte budget, so the answer stays bounded however many files are
 * asked for. A file that cannot be read (missing, denied, binary) gets its error under its header and
 * the others are still read. Needs `fs.read` on the one file, or on the smallest tree holding them all.
 */
import { z } from 'zod';
import { toKernelError } from '../../contracts/errors.ts';
import { defineTool } from '../tools/tool.ts';
import { readWindow } from './read-window.ts';
import { VFS } from './services.ts';
import { formatBytes } from './text.ts';
import { readAllCapability, VfsPathInput } from './vfs-input.ts';

const TOTAL_BUDGET = 96 * 1024;
const MAX_FILES = 20;

export const fileReadManyTool = defineTool({
  name: 'file_read_many',
  description:
    `Read up to ${MAX_FILES} text files at once; each appears under a "==> path <==" header. ` +
    `At most ${TOTAL_BUDGET / 1024} KiB in all; use file_read with an offset for the rest of a long file.`,
  input: z.object({
    paths: z.array(VfsPathInput).min(1).max(MAX_FILES),
    limit_per_file: z.number().int().min(1).max(10_000).default(500).describe('most lines shown of each file'),
  }),
  capability: ({ paths }) => readAllCapability(paths),
  idempotent: true,
  maxOutputBytes: TOTAL_BUDGET + 4096,
  async execute({ paths, limit_per_file }, ctx) {
    const vfs = ctx.services.require(VFS);
    const unique = [...new Set(paths)];
    const parts: string[] = [];
    let left = TOTAL_BUDGET;
    for (const [index, path] of unique.entries()) {
      if (left <= 0) {
        parts.push(`[byte budget of ${formatBytes(TOTAL_BUDGET)} used up; not read: ${unique.slice(index).join(', ')}]`);
        break;
      }
      const share = Math.max(1024, Math.floor(left / (unique.length - index)));
      let body: string;
      try {
        const { text, notice } = await readWindow(vfs, ctx.principal, path, { unit: 'lines', offset: 0, limit: limit_per_file, budget: share });
        body = notice === '' ? text : `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${notice}`;
        left -= Buffer.byteLength(text);
      } catch (thrown) {
        const error = toKernelError(thrown);
        body = `[error (${error.code}): ${error.message}]`;
      }
      parts.push(`==> ${path} <==\n${body}${body.endsWith('\n') ? '' : '\n'}`);
    }
    return parts.join('\n');
  },
});
