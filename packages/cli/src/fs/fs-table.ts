/**
 * The `aether fs …` rows of the command table.
 */
import { type Command, bool } from '../args.ts';
import { fsCat, fsGet, fsLs, fsMv, fsPut, fsRm } from './fs-commands.ts';

export const FS_COMMANDS: Record<string, Command> = {
  'fs ls': {
    usage: 'fs ls [-l] [PATH]',
    summary: 'list a VFS directory (default: your home); -l with type, size and time',
    options: { long: { type: 'boolean', short: 'l' } },
    args: [0, 1],
    run: (ctx, [target], v) => fsLs(ctx, target, bool(v, 'long')),
  },
  'fs cat': { usage: 'fs cat PATH...', summary: 'print VFS files to standard output, byte for byte', args: [1, 100], run: (ctx, paths) => fsCat(ctx, paths) },
  'fs put': {
    usage: 'fs put LOCAL|- [PATH] [--parents]',
    summary: 'upload a local file (- : standard input) to the VFS, any size',
    options: { parents: { type: 'boolean', short: 'p' } },
    args: [1, 2],
    run: (ctx, [local, dest], v) => fsPut(ctx, local as string, dest, { parents: bool(v, 'parents') }),
  },
  'fs get': {
    usage: 'fs get PATH [LOCAL|-] [--force]',
    summary: 'download a VFS file (default: by name into this directory; - : standard output)',
    options: { force: { type: 'boolean' } },
    args: [1, 2],
    run: (ctx, [source, local], v) => fsGet(ctx, source as string, local, { force: bool(v, 'force') }),
  },
  'fs rm': {
    usage: 'fs rm [-r] PATH...',
    summary: 'delete VFS files (-r: directories and everything in them)',
    options: { recursive: { type: 'boolean', short: 'r' } },
    args: [1, 100],
    run: (ctx, paths, v) => fsRm(ctx, paths, bool(v, 'recursive')),
  },
  'fs mv': {
    usage: 'fs mv FROM TO [--force]',
    summary: 'move or rename within a mount (--force replaces TO)',
    options: { force: { type: 'boolean' } },
    args: [2, 2],
    run: (ctx, [from, to], v) => fsMv(ctx, from as string, to as string, bool(v, 'force')),
  },
};
