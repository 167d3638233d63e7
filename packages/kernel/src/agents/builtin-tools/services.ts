/**
 * The service handles the file, compute and web tools use, looked up in `ctx.services` by these keys.
 * The composition root provides them: the VfsService itself under `VFS` (it already has this shape), and
 * a VmRunner (vm-runner.ts, over the ComputeService and the bus) under `VM_RUNNER`. Each handle takes the
 * caller's principal and checks its capabilities again, so a tool can never do more than its agent may.
 */
import type { VfsService } from '../../vfs/index.ts';
import { serviceKey } from '../tools/tool.ts';
import type { VmRunner } from './vm-runner.ts';

/** The VFS operations the file tools use; every one checks `fs.read|write|list:<path>` for the caller. */
export type VfsHandle = Pick<VfsService, 'stat' | 'read' | 'write' | 'list'>;

export const VFS = serviceKey<VfsHandle>('vfs');
export const VM_RUNNER = serviceKey<VmRunner>('vm-runner');
