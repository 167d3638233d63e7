/**
 * The `vfs:*` contracts (DESIGN §4, §7), declared once. Paths are normalised by the schema, so the
 * capability each contract requires names exactly the path the service acts on; the service checks
 * the second path of a rename and every path reached through a symlink itself.
 */
import { z } from 'zod';
import { defineContract } from '../contracts/contract.ts';
import { MAX_CHUNK_BASE64, MAX_CHUNK_BYTES } from './content.ts';
import { isVirtual } from './mounts.ts';
import { MAX_LIST_ENTRIES } from './vfs-service.ts';
import { fsCapability } from './vfs-path.ts';
import { VfsPathSchema } from './vfs-path-schema.ts';

const VfsPath = VfsPathSchema.describe('An absolute VFS path such as /home/alice/notes.md');
const Encoding = z.enum(['utf8', 'base64']).default('utf8');
const Offset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const EntryType = z.enum(['file', 'directory', 'symlink', 'other']);
const Time = z.string().describe('ISO-8601');

export const vfsRead = defineContract({
  topic: 'vfs:read',
  summary: `Read a file, or a chunk of it (offset, length ≤ ${MAX_CHUNK_BYTES} bytes).`,
  request: z.object({ path: VfsPath, encoding: Encoding, offset: Offset.default(0), length: z.number().int().min(1).max(MAX_CHUNK_BYTES).default(MAX_CHUNK_BYTES) }).strict(),
  reply: z.object({ path: z.string(), content: z.string(), encoding: Encoding, offset: z.number(), bytes: z.number(), size: z.number(), eof: z.boolean() }),
  capability: ({ path }) => fsCapability('read', path),
  idempotent: true,
});

export const vfsWrite = defineContract({
  topic: 'vfs:write',
  summary: `Write a file: replace it, append to it, or write at an offset (≤ ${MAX_CHUNK_BYTES} bytes a call).`,
  request: z
    .object({
      path: VfsPath,
      content: z.string().max(MAX_CHUNK_BASE64),
      encoding: Encoding,
      append: z.boolean().default(false),
      offset: Offset.optional(),
      exclusive: z.boolean().default(false).describe('fail with conflict when the file exists'),
      createParents: z.boolean().default(false),
    })
    .strict(),
  reply: z.object({ path: z.string(), bytes: z.number(), size: z.number(), created: z.boolean() }),
  capability: ({ path }) => fsCapability('write', path),
  streams: ['vfs.changed'],
  idempotent: false,
});

export const vfsList = defineContract({
  topic: 'vfs:list',
  summary: `List a directory (at most ${MAX_LIST_ENTRIES} entries).`,
  request: z.object({ path: VfsPath }).strict(),
  reply: z.object({
    path: z.string(),
    entries: z.array(z.object({ name: z.string(), path: z.string(), type: EntryType, size: z.number(), mtime: Time })),
    truncated: z.boolean(),
  }),
  capability: ({ path }) => (isVirtual(path) ? null : fsCapability('list', path)),
  idempotent: true,
});

export const vfsStat = defineContract({
  topic: 'vfs:stat',
  summary: 'Describe a file or directory.',
  request: z.object({ path: VfsPath }).strict(),
  reply: z.object({ path: z.string(), type: EntryType, size: z.number(), mtime: Time, readOnly: z.boolean() }),
  capability: ({ path }) => (isVirtual(path) ? null : fsCapability('read', path)),
  idempotent: true,
});

export const vfsMkdir = defineContract({
  topic: 'vfs:mkdir',
  summary: 'Create a directory (with its parents when recursive).',
  request: z.object({ path: VfsPath, recursive: z.boolean().default(false) }).strict(),
  reply: z.object({ path: z.string(), created: z.boolean() }),
  capability: ({ path }) => fsCapability('write', path),
  streams: ['vfs.changed'],
  idempotent: true,
});

export const vfsDelete = defineContract({
  topic: 'vfs:delete',
  summary: 'Delete a file or an empty directory (any directory when recursive).',
  request: z.object({ path: VfsPath, recursive: z.boolean().default(false) }).strict(),
  reply: z.object({ path: z.string(), deleted: z.boolean() }),
  capability: ({ path, recursive }) => fsCapability('write', path, recursive),
  streams: ['vfs.changed'],
  idempotent: true,
});

export const vfsRename = defineContract({
  topic: 'vfs:rename',
  summary: 'Move a file or directory within one mount.',
  request: z.object({ from: VfsPath, to: VfsPath, overwrite: z.boolean().default(false) }).strict(),
  reply: z.object({ from: z.string(), to: z.string() }),
  capability: ({ from }) => fsCapability('write', from, true),
  streams: ['vfs.changed'],
  idempotent: false,
});

export const vfsWatch = defineContract({
  topic: 'vfs:watch',
  summary: 'Receive vfs.changed events for a path (and everything below it when recursive).',
  request: z.object({ path: VfsPath, recursive: z.boolean().default(false) }).strict(),
  reply: z.object({ watchId: z.string(), path: z.string(), recursive: z.boolean() }),
  capability: ({ path, recursive }) => fsCapability('read', path, recursive),
  streams: ['vfs.changed'],
  idempotent: false,
});

export const vfsUnwatch = defineContract({
  topic: 'vfs:unwatch',
  summary: 'Stop a watch this connection started.',
  request: z.object({ watchId: z.string().min(1).max(100) }).strict(),
  reply: z.object({ watchId: z.string() }),
  capability: () => null,
  idempotent: true,
});
