/**
 * Test fixture for the VFS service: a real data directory, a real in-process bus, and principals whose
 * capabilities mirror the built-in user role (own home, read-only /shared).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InProcessBus } from '../bus/in-process-bus.ts';
import { CapabilitySet } from '../security/capability-set.ts';
import { makePrincipal, type Principal } from '../security/principal.ts';
import type { QuotaConfig } from './quota.ts';
import { VfsService } from './vfs-service.ts';

export function userPrincipal(name: string, extra: string[] = []): Principal {
  return makePrincipal('user', name, CapabilitySet.of([`fs.*:/home/${name}/**`, 'fs.read:/shared/**', 'fs.list:/shared/**', ...extra]));
}

export const admin = makePrincipal('user', 'root', CapabilitySet.of(['fs.*:/**']));

export interface VfsFixture {
  readonly dataDir: string;
  readonly bus: InProcessBus;
  readonly vfs: VfsService;
  cleanup(): Promise<void>;
}

export function makeVfs(quotas?: QuotaConfig): VfsFixture {
  const dataDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aether-vfs-')));
  const bus = new InProcessBus();
  const vfs = quotas === undefined ? new VfsService({ dataDir, bus }) : new VfsService({ dataDir, bus, quotas });
  return {
    dataDir,
    bus,
    vfs,
    cleanup: async () => {
      vfs.close();
      await bus.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
