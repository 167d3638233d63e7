/**
 * The shared repository suite against the embedded adapter: each store is a fresh SQLite file in a
 * temporary data directory, removed when the store closes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'node:test';
import { repositorySuite } from './repository-suite.ts';
import { type Store, openStore } from './store.ts';

async function freshSqliteStore(): Promise<Store> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aether-store-'));
  const store = await openStore({ dataDir });
  return {
    ...store,
    close: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

void describe('store on SQLite', () => repositorySuite(freshSqliteStore));
