/**
 * `file_edit`: changes part of a text file by exact replacement — one `old_string` → `new_string`, or a
 * list of edits applied in order — and writes the result only if every edit applied (all or nothing).
 * An old text that is missing or matches more than once is an error result naming the edit and what to
 * do. Not idempotent: an edit whose new text contains its old text would apply twice if repeated.
 * Needs `fs.write:<path>` (the VFS also checks `fs.read` when reading the file).
 */
import { z } from 'zod';
import { KernelError } from '../../contracts/errors.ts';
import { defineTool } from '../tools/tool.ts';
import { applyEdits, type Edit } from './apply-edits.ts';
import { VFS } from './services.ts';
import { formatBytes, looksBinary } from './text.ts';
import { pathCapability, VfsPathInput } from './vfs-input.ts';

const MAX_EDIT_FILE = 4 * 1024 * 1024;
const strict = new TextDecoder('utf-8', { fatal: true });

const EditInput = z.object({
  old_string: z.string().min(1).max(1_000_000).describe('exact text to replace, as file_read shows it'),
  new_string: z.string().max(1_000_000),
  replace_all: z.boolean().optional().describe('replace every occurrence instead of requiring exactly one'),
});

type Input = {
  old_string?: string | undefined;
  new_string?: string | undefined;
  replace_all?: boolean | undefined;
  edits?: z.infer<typeof EditInput>[] | undefined;
};

function editsOf(input: Input): Edit[] {
  if (input.edits !== undefined) return input.edits.map((e) => ({ oldString: e.old_string, newString: e.new_string, replaceAll: e.replace_all === true }));
  return [{ oldString: input.old_string ?? '', newString: input.new_string ?? '', replaceAll: input.replace_all === true }];
}

const oneForm = (input: Input): boolean =>
  input.edits === undefined ? input.old_string !== undefined && input.new_string !== undefined : input.old_string === undefined && input.new_string === undefined;

export const fileEditTool = defineTool({
  name: 'file_edit',
  description:
    'Edit a text file by exact replacement: give old_string (which must occur exactly once, unless replace_all) and new_string, ' +
    'or a list of such edits applied in order. Nothing is written unless every edit applies.',
  input: z
    .object({
      path: VfsPathInput,
      old_string: EditInput.shape.old_string.optional(),
      new_string: EditInput.shape.new_string.optional(),
      replace_all: EditInput.shape.replace_all,
      edits: z.array(EditInput).min(1).max(50).optional().describe('several edits, instead of old_string/new_string'),
    })
    .refine(oneForm, 'give either old_string and new_string, or edits (a list of {old_string, new_string}), not both'),
  capability: ({ path }) => pathCapability('write', path),
  idempotent: false,
  approval: { summary: (input) => `edit ${input.path} (${editsOf(input).length} change${editsOf(input).length === 1 ? '' : 's'})` },
  async execute(input, ctx) {
    const vfs = ctx.services.require(VFS);
    const { path } = input;
    const stat = await vfs.stat(ctx.principal, path);
    if (stat.type !== 'file') throw new KernelError('payload_invalid', `${path} is a ${stat.type}, not a file`);
    if (stat.size > MAX_EDIT_FILE) throw new KernelError('resource_exceeded', `${path} is ${formatBytes(stat.size)}; file_edit edits files up to ${formatBytes(MAX_EDIT_FILE)}`);
    const { data } = await vfs.read(ctx.principal, path, { length: MAX_EDIT_FILE + 1 });
    let original: string;
    try {
      if (looksBinary(data)) throw new TypeError('binary');
      original = strict.decode(data);
    } catch {
      throw new KernelError('payload_invalid', `${path} is not UTF-8 text; file_edit only edits text files`);
    }
    const outcome = applyEdits(path, original, editsOf(input));
    if (!outcome.ok) throw new KernelError('payload_invalid', `${outcome.message} (nothing was written)`);
    const written = await vfs.write(ctx.principal, path, Buffer.from(outcome.text, 'utf8'));
    return { path, edits: editsOf(input).length, replacements: outcome.replacements, bytes: written.size };
  },
});
