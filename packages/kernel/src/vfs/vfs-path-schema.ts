/**
 * The one schema for a VFS path on every surface that takes one (the `vfs:*` contracts, the agents' file
 * tools): an absolute path, canonical after parsing, so the capability derived from it names exactly the
 * path acted on. Kept apart from vfs-path.ts so code that only normalises paths doesn't load zod.
 */
import { z } from 'zod';
import { isKernelError } from '../contracts/errors.ts';
import { normaliseVfsPath } from './vfs-path.ts';

export const VfsPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .transform((raw, ctx) => {
    try {
      return normaliseVfsPath(raw);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: isKernelError(error) ? error.message : 'invalid path' });
      return z.NEVER;
    }
  });
