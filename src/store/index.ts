// Chooses the store: MongoDB (or a wire-compatible server) when a URI is configured, otherwise
// the in-process memory store for development and tests. The mongo store (mongoose and the
// driver: ~14 MB of RSS at start) is imported only when it is used.
import { createMemoryStore } from './memory/index.ts';
import type { MongoStore, MongoStoreOptions, StoreLogger } from './mongo/index.ts';
import type { Store } from './types.ts';

export { createMemoryStore };
export type { MongoStore, MongoStoreOptions, StoreLogger };

/** The mongo store, loaded on first use (see the file comment). */
export async function createMongoStore(uri: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
  const mongo = await import('./mongo/index.ts');
  return mongo.createMongoStore(uri, options);
}

export interface OpenStoreOptions {
  mongodbUri?: string;
  logger?: StoreLogger;
  serverSelectionTimeoutMS?: number;
  now?: () => number;
}

/** Opens and initialises the store; rejects with StoreUnavailableError when MongoDB is unreachable. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = options.mongodbUri
    ? await createMongoStore(options.mongodbUri, {
      logger: options.logger,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS,
      now: options.now,
    })
    : createMemoryStore({ now: options.now });
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}

/** Whether expired records pile up unless sweepExpired() is scheduled (no TTL indexes). */
export function needsSweep(store: Store): boolean {
  return !('ttlSupported' in store && store.ttlSupported === true);
}
