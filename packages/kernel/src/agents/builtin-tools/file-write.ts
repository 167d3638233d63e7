/**
 * `file_write`: replaces a file's whole content with the text given (creating it, and by default its
 * missing parent directories). Writing the same full content twice leaves the same file, so the tool is
 * idempotent: a call repeated after a restart is harmless. Needs `fs.write:<path>`; quotas and read-only
 * mounts are the VFS's to enforce, and come back as errors the model can read.
 */
import { z } from 'zod';
import { defineTool } from '../tools/tool.ts';
import { VFS } from './services.ts';
import { formatBytes } from './text.ts';
import { pathCapability, VfsPathInput } from './vfs-input.ts';

export const MAX_WRITE_BYTES = 4 * 1024 * 1024;

export const fileWriteTool = defineTool({
  name: 'file_write',
  description: 'Write a text file with the given full content, replacing what was there. To change part of a file, use file_edit instead.',
  input: z.object({
    path: VfsPathInput,
    content: z.string().max(MAX_WRITE_BYTES).describe('the whole new content of the file'),
    create_parents: z.boolean().default(true).describe('create missing parent directories'),
  }),
  capability: ({ path }) => pathCapability('write', path),
  idempotent: true,
  approval: { summary: ({ path, content }) => `write ${formatBytes(Buffer.byteLength(content))} to ${path}` },
  async execute({ path, content, create_parents }, ctx) {
    const data = Buffer.from(content, 'utf8');
    const result = await ctx.services.require(VFS).write(ctx.principal, path, data, { createParents: create_parents });
    return { path, bytes: result.size, created: result.created };
  },
});
