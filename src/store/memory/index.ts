// In-process store for development and tests. Plain Maps on purpose: an LRU (as in oidc-provider's
// own memory adapter) may evict a live session or code, which silently logs users out or breaks a
// flow. Space is reclaimed by sweepExpired(), by each oidc model removing its oldest expired
// records as it writes, and by the audit log forgetting its oldest events past a cap (audit.ts).
// One repository per file, named as in store/mongo.
import type { OidcModelStore, Store } from '../types.ts';
import { MemoryAccounts } from './accounts.ts';
import { MemoryApprovals } from './approvals.ts';
import { MemoryAudit } from './audit.ts';
import { MemoryBlocks } from './blocks.ts';
import { MemoryChallenges } from './challenges.ts';
import { MemoryClients } from './clients.ts';
import { MemoryConsents } from './consents.ts';
import { MemoryCounters } from './counters.ts';
import { MemoryDevices } from './devices.ts';
import { MemoryEnrolmentTickets } from './enrolment-tickets.ts';
import { MemoryOidcModelStore } from './oidc-model-store.ts';
import { MemoryOneTimeCodes } from './one-time-codes.ts';
import { MemoryOperatorGrants, MemoryOperatorTokens } from './operators.ts';
import { MemoryPasskeys } from './passkeys.ts';
import { MemoryPhoneHandoffs } from './phone-handoffs.ts';
import { MemoryRecoveryRequests } from './recovery-requests.ts';
import { MemorySecrets } from './secrets.ts';
import { MemoryTrustedBrowsers } from './trusted-browsers.ts';
import type { Footprint } from './footprint.ts';

export interface MemoryStoreOptions {
  /** Clock in epoch milliseconds; tests inject one to move time without waiting. */
  now?: () => number;
  /** Records one oidc model may hold (default DEFAULT_MAX_RECORDS_PER_MODEL); see there. */
  maxRecordsPerModel?: number;
  /** Audit events kept (default DEFAULT_MAX_AUDIT_EVENTS); see there. */
  maxAuditEvents?: number;
}

/** The memory store, which can also say what it holds (for the soak bench; see footprint.ts). */
export interface MemoryStore extends Store {
  readonly kind: 'memory';
  /** Records and approximate bytes per repository, and per oidc model as `oidc.<Model>`. */
  footprint(): Record<string, Footprint>;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const now = options.now ?? Date.now;
  const models = new Map<string, MemoryOidcModelStore>();
  const consents = new MemoryConsents(now);
  const challenges = new MemoryChallenges(now);
  const oneTimeCodes = new MemoryOneTimeCodes(now);
  const counters = new MemoryCounters(now);
  const approvals = new MemoryApprovals(now);
  const blocks = new MemoryBlocks(now);
  const enrolmentTickets = new MemoryEnrolmentTickets(now);
  const phoneHandoffs = new MemoryPhoneHandoffs(now);
  const accounts = new MemoryAccounts(now);
  const passkeys = new MemoryPasskeys();
  const audit = new MemoryAudit(options.maxAuditEvents);
  const devices = new MemoryDevices();
  const trustedBrowsers = new MemoryTrustedBrowsers(now);

  return {
    kind: 'memory',
    accounts,
    secrets: new MemorySecrets(),
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
    recoveryRequests: new MemoryRecoveryRequests(),
    enrolmentTickets,
    phoneHandoffs,
    clients: new MemoryClients(now),
    operatorGrants: new MemoryOperatorGrants(),
    operatorTokens: new MemoryOperatorTokens(),
    oidc(model: string): OidcModelStore {
      let store = models.get(model);
      if (!store) {
        store = new MemoryOidcModelStore(model, now, options.maxRecordsPerModel);
        models.set(model, store);
      }
      return store;
    },
    async init(): Promise<void> {},
    async ping(): Promise<void> {},
    async sweepExpired(): Promise<number> {
      const at = now();
      let removed = [consents, challenges, oneTimeCodes, counters, approvals, blocks, enrolmentTickets, phoneHandoffs, trustedBrowsers].reduce((sum, repository) => sum + repository.sweep(at), 0);
      for (const store of models.values()) removed += store.sweep(at);
      return removed;
    },
    async close(): Promise<void> {},
    footprint(): Record<string, Footprint> {
      const report: Record<string, Footprint> = {
        accounts: accounts.footprint(), passkeys: passkeys.footprint(), consents: consents.footprint(), challenges: challenges.footprint(),
        oneTimeCodes: oneTimeCodes.footprint(), counters: counters.footprint(), audit: MemoryAudit.footprint(audit), devices: devices.footprint(),
        approvals: approvals.footprint(), trustedBrowsers: trustedBrowsers.footprint(), blocks: blocks.footprint(), phoneHandoffs: phoneHandoffs.footprint(),
      };
      for (const [model, store] of models) report[`oidc.${model}`] = store.footprint();
      return report;
    },
  };
}
