// A fresh, initialised store of each kind, so every test starts from empty state.
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import type { Store } from '../../src/store/types.ts';
import { mongoTestUri, uniqueDbName } from './mongo.ts';

export const STORE_KINDS = ['memory', 'mongo'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface FreshStoreOptions {
  /** Clock in epoch milliseconds, to test expiry without waiting. */
  now?: () => number;
}

/** Memory, or mongo on a database of its own; init() has run. The caller closes it. */
export async function freshStore(kind: StoreKind, options: FreshStoreOptions = {}): Promise<Store> {
  const store = kind === 'memory'
    ? createMemoryStore({ now: options.now })
    : await createMongoStore(await mongoTestUri(uniqueDbName('tobira_test')), { now: options.now });
  await store.init();
  return store;
}
