/**
 * `file_read`: a text file from the VFS, as the agent. By default the first 2,000 lines; `offset` and
 * `limit` choose a window in lines, or in bytes with `unit: "bytes"`. At most 64 KiB of content comes
 * back, cut on a line (or character) boundary, with a notice saying how to read on. Needs
 * `fs.read:<path>`; idempotent.
 */
import { z } from 'zod';
import { defineTool } from '../tools/tool.ts';
import { readWindow } from './read-window.ts';
import { VFS } from './services.ts';
import { pathCapability, VfsPathInput } from './vfs-input.ts';

export const READ_BUDGET = 64 * 1024;
export const DEFAULT_LINES = 2000;

export const fileReadTool = defineTool({
  name: 'file_read',
  description:
    'Read a text file. Returns its content exactly (no line numbers); long files come in windows: ' +
    `by default the first ${DEFAULT_LINES} lines and at most ${READ_BUDGET / 1024} KiB, with a note saying which offset reads on.`,
  input: z.object({
    path: VfsPathInput,
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('lines (or bytes) to skip from the start; default 0'),
    limit: z.number().int().min(1).max(100_000).optional().describe(`most lines (or bytes) to return; default ${DEFAULT_LINES} lines`),
    unit: z.enum(['lines', 'bytes']).default('lines').describe('what offset and limit count'),
  }),
  capability: ({ path }) => pathCapability('read', path),
  idempotent: true,
  maxOutputBytes: READ_BUDGET + 1024,
  async execute({ path, offset, limit, unit }, ctx) {
    const window = { unit, offset: offset ?? 0, limit: limit ?? (unit === 'lines' ? DEFAULT_LINES : READ_BUDGET), budget: READ_BUDGET };
    const { text, notice } = await readWindow(ctx.services.require(VFS), ctx.principal, path, window);
    if (notice === '') return text;
    return text === '' || text.endsWith('\n') ? `${text}${notice}` : `${text}\n${notice}`;
  },
});
