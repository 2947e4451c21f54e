// Which stores each suite runs on, and a fresh, initialised store of each kind, so every test
// starts from empty state.
//
// The test pyramid: feature suites drive tobira over HTTP or Chromium, and what they check does not
// depend on the store, so by default they run on the memory store alone. What does depend on the
// store runs on every store: the store contract (test/store), the tests that race requests against
// the store (marked race() inside feature suites) and the two-process suite (mongo by nature).
// TOBIRA_TEST_STORES (comma-separated, e.g. `memory,mongo`) names the stores of a run: when set,
// every suite runs on exactly those stores — CI sets `memory,mongo` for the full matrix, and
// `npm run test:fast` sets `memory` so no database server is started.
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import type { Store } from '../../src/store/types.ts';
import { indexIdsIfAsked, mongoTestUri, uniqueDbName } from './mongo.ts';

const KINDS = ['memory', 'mongo'] as const;
export type StoreKind = (typeof KINDS)[number];

function storesOfThisRun(value: string | undefined): readonly StoreKind[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const named = value.split(',').map((part) => part.trim()).filter(Boolean);
  const unknown = named.filter((name) => !(KINDS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`TOBIRA_TEST_STORES names unknown stores (${unknown.join(', ')}); use a comma-separated list of ${KINDS.join(', ')}`);
  return KINDS.filter((kind) => named.includes(kind));
}

const chosen = storesOfThisRun(process.env.TOBIRA_TEST_STORES);

/** Every store of this run: the store contract, the race tests and the two-process suite run on each. */
export const STORE_KINDS: readonly StoreKind[] = chosen ?? KINDS;

/** The stores a feature suite runs on: memory, unless TOBIRA_TEST_STORES names others. */
export const FEATURE_STORES: readonly StoreKind[] = chosen ?? ['memory'];

/** Whether this run uses a MongoDB-compatible server (FerretDB, or the one in MONGODB_URI). */
export const USES_MONGO = STORE_KINDS.includes('mongo');

/** In words, for the summary line of a run. */
export function storesInWords(): string {
  const same = FEATURE_STORES.length === STORE_KINDS.length;
  return same
    ? `every suite on ${STORE_KINDS.join(' and ')}`
    : `feature suites on ${FEATURE_STORES.join(' and ')}; store contract, races and two processes on ${STORE_KINDS.join(' and ')}`;
}

const raceTests = new WeakSet<Mocha.Test>();

/**
 * A test in a feature suite whose answer depends on the store being race-safe (requests sent all at
 * once): it runs on every store of the run, not only on the feature stores. The suite around it must
 * be defined with featureSuite().
 */
export function race(title: string, fn: Mocha.AsyncFunc): Mocha.Test {
  const test = it(title, fn);
  raceTests.add(test);
  return test;
}

/** Keeps only the race() tests of `suite` and its sub-suites; returns how many are left. */
function keepRacesOnly(suite: Mocha.Suite): number {
  suite.tests = suite.tests.filter((test) => raceTests.has(test));
  suite.suites = suite.suites.filter((child) => keepRacesOnly(child) > 0);
  return suite.total();
}

/**
 * `describe(title, body)` for a feature suite that holds race() tests, defined once for each of
 * STORE_KINDS: on a feature store the suite runs whole, on the other stores with its race() tests
 * alone (its hooks still set up what those need).
 */
export function featureSuite(kind: StoreKind, title: string, body: (this: Mocha.Suite) => void): Mocha.Suite {
  const suite = describe(title, body);
  if (!FEATURE_STORES.includes(kind)) keepRacesOnly(suite);
  return suite;
}

export interface FreshStoreOptions {
  /** Clock in epoch milliseconds, to test expiry without waiting. */
  now?: () => number;
}

/** Memory, or mongo on a database of its own; init() has run. The caller closes it. */
export async function freshStore(kind: StoreKind, options: FreshStoreOptions = {}): Promise<Store> {
  if (kind === 'memory') {
    const store = createMemoryStore({ now: options.now });
    await store.init();
    return store;
  }
  const dbName = uniqueDbName('tobira_test');
  const store = await createMongoStore(await mongoTestUri(dbName), { now: options.now });
  await store.init();
  await indexIdsIfAsked(dbName);
  return store;
}
