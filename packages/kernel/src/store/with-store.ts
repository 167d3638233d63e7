/**
 * Test plumbing shared by the repository suites: a factory of fresh isolated stores, and a helper that
 * opens one, runs a test body and always closes it.
 */
import type { Store } from './store.ts';

export type StoreFactory = () => Promise<Store>;

export async function withStore<T>(factory: StoreFactory, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await factory();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
