// What every contract file shares: a fresh store of each kind per test on a clock the test moves,
// one helper for racing calls, and the fixtures several repositories' tests use.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import type { MongoStore } from '../../../src/store/mongo/index.ts';
import type { Store } from '../../../src/store/types.ts';
import { indexIdsIfAsked, mongoTestUri, uniqueDbName } from '../../support/mongo.ts';
import { freshStore } from '../../support/stores.ts';
import type { StoreKind } from '../../support/stores.ts';

/**
 * The contract holds on every store, always: whatever subset of stores the feature suites run on,
 * these files run on both.
 */
export const CONTRACT_STORE_KINDS: readonly StoreKind[] = ['memory', 'mongo'];

/** The store under test and its clock, replaced before each test. */
export interface StoreUnderTest {
  readonly kind: StoreKind;
  store: Store;
  /** The store's clock, in epoch ms; tests move it instead of waiting. */
  clock: number;
}

/**
 * Declares the tests `fn` registers once per store kind, as `store contract (<kind>): <name>`. Each
 * test gets a fresh, initialised store (mongo: a database of its own) whose clock is `t.clock`, and
 * the store is closed after it.
 */
export function forEachStore(name: string, fn: (t: StoreUnderTest) => void, kinds: readonly StoreKind[] = CONTRACT_STORE_KINDS): void {
  for (const kind of kinds) {
    describe(`store contract (${kind}): ${name}`, () => {
      const t: StoreUnderTest = { kind, store: undefined as unknown as Store, clock: 0 };

      beforeEach(async () => {
        t.clock = Date.now();
        t.store = await freshStore(kind, { now: () => t.clock });
      });

      afterEach(async () => {
        await t.store.close();
      });

      fn(t);
    });
  }
}

/** Starts `n` calls at once (call i gets i) and waits for all of them, whatever each one does. */
export function race<T>(n: number, call: (i: number) => Promise<T>): Promise<Array<PromiseSettledResult<T>>> {
  return Promise.allSettled(Array.from({ length: n }, (_, i) => call(i)));
}

/** The values of raced calls that must all have resolved; the first rejection is thrown. */
export function valuesOf<T>(results: Array<PromiseSettledResult<T>>): T[] {
  return results.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/**
 * Two mongo stores on one fresh database, as two processes would have, for races across
 * connections. `either(i)` alternates between them; both are closed afterwards.
 */
export async function withTwoConnections(fn: (a: MongoStore, b: MongoStore, either: (i: number) => MongoStore, uri: string) => Promise<void>): Promise<void> {
  const dbName = uniqueDbName('tobira_race');
  const uri = await mongoTestUri(dbName);
  const [a, b] = await Promise.all([createMongoStore(uri), createMongoStore(uri)]);
  try {
    await a.init();
    await indexIdsIfAsked(dbName);
    await fn(a, b, (i) => (i % 2 ? a : b), uri);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function assertRejectsWith(promise: Promise<unknown>, type: new (...args: never[]) => Error): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    return true;
  });
}
