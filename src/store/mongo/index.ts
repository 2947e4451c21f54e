// Wires the mongo repositories onto one mongoose connection and owns the store-wide jobs:
// index creation, ping, sweeping and closing.
import type { OidcModelStore, Store } from '../types.ts';
import { MongoAccounts } from './accounts.ts';
import { APPROVALS_COLLECTION, MongoApprovals } from './approvals.ts';
import { MongoAudit, ensureAuditIndexes } from './audit.ts';
import { BLOCKS_COLLECTION, MongoBlocks } from './blocks.ts';
import { CHALLENGES_COLLECTION, MongoChallenges } from './challenges.ts';
import { MongoClients } from './clients.ts';
import { connect, database, guard } from './connection.ts';
import type { ConnectOptions } from './connection.ts';
import { CONSENTS_COLLECTION, MongoConsents } from './consents.ts';
import { CONSUMPTIONS_COLLECTION, ConsumptionClaims } from './consumptions.ts';
import { COUNTERS_COLLECTION, MongoCounters, RETIRED_COUNTER_COLLECTION } from './counters.ts';
import { MongoDevices } from './devices.ts';
import { ENROLMENT_TICKETS_COLLECTION, MongoEnrolmentTickets } from './enrolment-tickets.ts';
import { MongoPhoneHandoffs, PHONE_HANDOFFS_COLLECTION } from './phone-handoffs.ts';
import { TtlIndexes, expiredFilter } from './expiry.ts';
import type { StoreLogger } from './expiry.ts';
import { MongoOidcModelStore, OIDC_COLLECTION_PREFIX, OIDC_MODELS, isLookupCollection } from './oidc-model-store.ts';
import { MongoOneTimeCodes, ONE_TIME_CODES_COLLECTION } from './one-time-codes.ts';
import { MongoOperatorGrants, MongoOperatorTokens } from './operators.ts';
import { MongoPasskeys } from './passkeys.ts';
import { MongoRecoveryRequests } from './recovery-requests.ts';
import { MongoSecrets } from './secrets.ts';
import { MongoTrustedBrowsers, TRUSTED_BROWSERS_COLLECTION } from './trusted-browsers.ts';

export type { StoreLogger };

export interface MongoStoreOptions extends ConnectOptions {
  logger?: StoreLogger;
  /** Clock in epoch milliseconds for expiry decisions; tests inject one to move time. */
  now?: () => number;
}

export interface MongoStore extends Store {
  readonly kind: 'mongo';
  /**
   * Whether init() could create TTL indexes. When false (FerretDB 1.x, or before init()), expired
   * records stay on disk until sweepExpired() runs, so the caller must schedule it.
   */
  readonly ttlSupported: boolean;
}

/**
 * Collections whose documents carry `expiresAt` and are swept. Never passkeys, accounts,
 * audit_events, devices or recovery_requests.
 */
const EXPIRING_COLLECTIONS = new Set([
  CONSENTS_COLLECTION,
  CONSUMPTIONS_COLLECTION,
  CHALLENGES_COLLECTION,
  ONE_TIME_CODES_COLLECTION,
  COUNTERS_COLLECTION,
  RETIRED_COUNTER_COLLECTION,
  APPROVALS_COLLECTION,
  BLOCKS_COLLECTION,
  ENROLMENT_TICKETS_COLLECTION,
  PHONE_HANDOFFS_COLLECTION,
  TRUSTED_BROWSERS_COLLECTION,
]);

function isExpiringCollection(name: string): boolean {
  return name.startsWith(OIDC_COLLECTION_PREFIX) || EXPIRING_COLLECTIONS.has(name);
}

/** Connects (rejecting with StoreUnavailableError if the server cannot be reached); call init() next. */
export async function createMongoStore(uri: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
  const connection = await connect(uri, options);
  const db = database(connection);
  const now = options.now ?? Date.now;
  const ttl = new TtlIndexes(options.logger);
  const claims = new ConsumptionClaims(db);
  const accounts = new MongoAccounts(connection, claims, now);
  const consents = new MongoConsents(db, now);
  const passkeys = new MongoPasskeys(db);
  const challenges = new MongoChallenges(db, claims, now);
  const oneTimeCodes = new MongoOneTimeCodes(db, claims, now);
  const counters = new MongoCounters(db, now);
  const audit = new MongoAudit(db);
  const devices = new MongoDevices(db);
  const approvals = new MongoApprovals(db, claims, now);
  const trustedBrowsers = new MongoTrustedBrowsers(db, now);
  const blocks = new MongoBlocks(db, now);
  const recoveryRequests = new MongoRecoveryRequests(db, claims, now);
  const enrolmentTickets = new MongoEnrolmentTickets(db, claims, now);
  const phoneHandoffs = new MongoPhoneHandoffs(db, claims, now);
  const operatorTokens = new MongoOperatorTokens(db);
  const models = new Map<string, MongoOidcModelStore>();

  function oidcModel(model: string): MongoOidcModelStore {
    let store = models.get(model);
    if (!store) {
      store = new MongoOidcModelStore(db, model, claims, now);
      models.set(model, store);
    }
    return store;
  }

  return {
    kind: 'mongo',
    accounts,
    secrets: new MongoSecrets(db, claims, now),
    consents,
    passkeys,
    challenges,
    oneTimeCodes,
    counters,
    audit,
    devices,
    approvals,
    trustedBrowsers,
    blocks,
    recoveryRequests,
    enrolmentTickets,
    phoneHandoffs,
    clients: new MongoClients(db, claims, now),
    operatorGrants: new MongoOperatorGrants(db),
    operatorTokens,
    get ttlSupported(): boolean {
      return ttl.supported;
    },
    oidc(model: string): OidcModelStore {
      return oidcModel(model);
    },
    init(): Promise<void> {
      return guard(async () => {
        await accounts.ensureIndexes();
        await consents.ensureIndexes(ttl);
        await claims.ensureIndexes(ttl);
        await passkeys.ensureIndexes();
        await challenges.ensureIndexes(ttl);
        await oneTimeCodes.ensureIndexes(ttl);
        await counters.ensureIndexes(ttl);
        await ensureAuditIndexes(db);
        await devices.ensureIndexes();
        await approvals.ensureIndexes(ttl);
        await trustedBrowsers.ensureIndexes(ttl);
        await blocks.ensureIndexes(ttl);
        await recoveryRequests.ensureIndexes();
        await enrolmentTickets.ensureIndexes(ttl);
        await phoneHandoffs.ensureIndexes(ttl);
        await operatorTokens.ensureIndexes();
        for (const model of new Set<string>([...OIDC_MODELS, ...models.keys()])) await oidcModel(model).ensureIndexes(ttl);
        options.logger?.info({ ttlSupported: ttl.supported }, 'mongo store indexes ready');
      });
    },
    ping(): Promise<void> {
      return guard(async () => {
        await db.command({ ping: 1 });
      });
    },
    sweepExpired(): Promise<number> {
      return guard(async () => {
        // Listed rather than taken from `models`, so collections other processes wrote are swept too.
        const collections = await db.listCollections({}, { nameOnly: true }).toArray();
        const filter = expiredFilter(now());
        let removed = 0;
        for (const { name } of collections) {
          if (!isExpiringCollection(name)) continue;
          const { deletedCount } = await db.collection(name).deleteMany(filter);
          // Records are counted; the lookups that point at them are housekeeping.
          if (!isLookupCollection(name)) removed += deletedCount;
        }
        return removed;
      });
    },
    close(): Promise<void> {
      return connection.close();
    },
  };
}
