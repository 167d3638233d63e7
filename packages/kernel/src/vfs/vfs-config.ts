/**
 * The `vfs` section of the kernel configuration: per-mount quotas.
 */
import { z } from 'zod';

const QuotaSchema = z
  .object({
    bytes: z.number().int().min(0).optional(),
    entries: z.number().int().min(0).optional(),
  })
  .strict();

export const VfsConfigSchema = z
  .object({
    quotas: z
      .object({
        /** Limits of every mount not named in `mounts` (default 1 GiB and 100,000 entries). */
        default: QuotaSchema.optional(),
        /** Limits per mount, by VFS path (`/home/alice`, `/shared`). */
        mounts: z.record(z.string().regex(/^\/[^*]*$/, 'a mount path such as /home/alice'), QuotaSchema).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
