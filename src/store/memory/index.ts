// In-process store for development and tests. Plain Maps on purpose: an LRU (as in oidc-provider's
// own memory adapter) may evict a live session or code, which silently logs users out or breaks a
// flow. Space is reclaimed only by sweepExpired().
import { AlreadyConsumedError, DuplicateKeyError } from '../errors.ts';
import { newAccount } from '../new-account.ts';
import { MemoryApprovals } from './approvals.ts';
import { MemoryAudit } from './audit.ts';
import { MemoryBlocks } from './blocks.ts';
import { MemoryChallenges } from './challenges.ts';
import { MemoryDevices } from './devices.ts';
import { MemoryOneTimeCodes } from './one-time-codes.ts';
import { MemoryPasskeys } from './passkeys.ts';
import { MemoryEnrolmentTickets, MemoryRecoveryRequests } from './recovery.ts';
import { MemoryTrustedBrowsers } from './trusted-browsers.ts';
import type {
  Account,
  AccountRepository,
  AdapterPayload,
  ConsentRepository,
  ContactKind,
  NewAccount,
  OidcModelStore,
  SecretRepository,
  SignInMode,
  Store,
  VerifiedContact,
} from '../types.ts';

export interface MemoryStoreOptions {
  /** Clock in epoch milliseconds; tests inject one to move time without waiting. */
  now?: () => number;
}

interface StoredRecord {
  payload: AdapterPayload;
  /** Epoch milliseconds; undefined means it never expires. */
  expiresAt: number | undefined;
}

// The mongo store enforces these with unique indexes; the memory store mirrors them so both
// adapters refuse the same writes.
const UNIQUE_UID_MODELS = new Set(['Session']);
const UNIQUE_USER_CODE_MODELS = new Set(['DeviceCode']);

function expiresAtFrom(now: number, expiresIn: number | undefined): number | undefined {
  if (expiresIn === undefined || expiresIn === null) return undefined;
  if (!Number.isFinite(expiresIn)) throw new RangeError(`expiresIn must be a finite number of seconds, got ${expiresIn}`);
  return now + expiresIn * 1000;
}

function isLive(expiresAt: number | null | undefined, now: number): boolean {
  return expiresAt === undefined || expiresAt === null || expiresAt > now;
}

class MemoryOidcModelStore implements OidcModelStore {
  readonly model: string;
  readonly #now: () => number;
  readonly #records = new Map<string, StoredRecord>();
  readonly #byUid = new Map<string, string>();
  readonly #byUserCode = new Map<string, string>();
  readonly #byGrantId = new Map<string, Set<string>>();

  constructor(model: string, now: () => number) {
    this.model = model;
    this.#now = now;
  }

  #live(id: string | undefined): StoredRecord | undefined {
    if (id === undefined) return undefined;
    const record = this.#records.get(id);
    return record && isLive(record.expiresAt, this.#now()) ? record : undefined;
  }

  #assertUnique(index: Map<string, string>, key: unknown, id: string, field: string): void {
    if (typeof key !== 'string') return;
    const holder = index.get(key);
    if (holder !== undefined && holder !== id && this.#live(holder)) throw new DuplicateKeyError(field);
  }

  #unindex(id: string, payload: AdapterPayload): void {
    if (typeof payload.uid === 'string' && this.#byUid.get(payload.uid) === id) this.#byUid.delete(payload.uid);
    if (typeof payload.userCode === 'string' && this.#byUserCode.get(payload.userCode) === id) {
      this.#byUserCode.delete(payload.userCode);
    }
    if (typeof payload.grantId === 'string') {
      const members = this.#byGrantId.get(payload.grantId);
      members?.delete(id);
      if (members?.size === 0) this.#byGrantId.delete(payload.grantId);
    }
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt = expiresAtFrom(this.#now(), expiresIn);
    if (UNIQUE_UID_MODELS.has(this.model)) this.#assertUnique(this.#byUid, payload.uid, id, 'uid');
    if (UNIQUE_USER_CODE_MODELS.has(this.model)) this.#assertUnique(this.#byUserCode, payload.userCode, id, 'userCode');

    const stored = structuredClone(payload);
    const previous = this.#records.get(id);
    if (previous) this.#unindex(id, previous.payload);
    this.#records.set(id, { payload: stored, expiresAt });
    if (typeof stored.uid === 'string') this.#byUid.set(stored.uid, id);
    if (typeof stored.userCode === 'string') this.#byUserCode.set(stored.userCode, id);
    if (typeof stored.grantId === 'string') {
      let members = this.#byGrantId.get(stored.grantId);
      if (!members) {
        members = new Set();
        this.#byGrantId.set(stored.grantId, members);
      }
      members.add(id);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#copyOf(this.#live(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#copyOf(this.#live(this.#byUid.get(uid)));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#copyOf(this.#live(this.#byUserCode.get(userCode)));
  }

  #copyOf(record: StoredRecord | undefined): AdapterPayload | undefined {
    return record ? structuredClone(record.payload) : undefined;
  }

  async consume(id: string): Promise<void> {
    // No await between the check and the write, so this is atomic within the process.
    const record = this.#live(id);
    if (!record || record.payload.consumed !== undefined) throw new AlreadyConsumedError();
    record.payload.consumed = Math.floor(this.#now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.#delete(id);
  }

  #delete(id: string): void {
    const record = this.#records.get(id);
    if (!record) return;
    this.#records.delete(id);
    this.#unindex(id, record.payload);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const members = this.#byGrantId.get(grantId);
    if (!members) return;
    for (const id of [...members]) this.#delete(id);
  }

  async listByAccountId(accountId: string): Promise<Array<{ id: string; payload: AdapterPayload }>> {
    const found: Array<{ id: string; payload: AdapterPayload }> = [];
    for (const [id, record] of this.#records) {
      if (record.payload.accountId === accountId && isLive(record.expiresAt, this.#now())) found.push({ id, payload: structuredClone(record.payload) });
    }
    return found;
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [id, record] of this.#records) {
      if (!isLive(record.expiresAt, now)) {
        this.#delete(id);
        removed += 1;
      }
    }
    return removed;
  }
}

class MemoryAccounts implements AccountRepository {
  readonly #now: () => number;
  readonly #byId = new Map<string, Account>();
  readonly #idByEmail = new Map<string, string>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async create(input: NewAccount): Promise<Account> {
    if (this.#idByEmail.has(input.email)) throw new DuplicateKeyError('email');
    const account = newAccount(input, this.#now());
    this.#byId.set(account.id, account);
    this.#idByEmail.set(account.email, account.id);
    return structuredClone(account);
  }

  async findById(id: string): Promise<Account | undefined> {
    const account = this.#byId.get(id);
    return account ? structuredClone(account) : undefined;
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    const id = this.#idByEmail.get(email);
    return id === undefined ? undefined : this.findById(id);
  }

  /** Applies `change` to the stored account (no await in between: atomic within the process). */
  #update(id: string, at: Date, change: Partial<Account>, expect?: (account: Account) => boolean): Account | undefined {
    const account = this.#byId.get(id);
    if (!account || (expect && !expect(account))) return undefined;
    Object.assign(account, structuredClone(change), { updatedAt: new Date(at) });
    return structuredClone(account);
  }

  async setSignInMode(id: string, mode: SignInMode, at: Date, expectAlwaysPasskey?: boolean): Promise<Account | undefined> {
    return this.#update(id, at, { passwordHash: mode.passwordHash, alwaysPasskey: mode.alwaysPasskey },
      expectAlwaysPasskey === undefined ? undefined : (account) => account.alwaysPasskey === expectAlwaysPasskey);
  }

  async setContact(id: string, kind: ContactKind, contact: VerifiedContact | null, at: Date): Promise<Account | undefined> {
    return this.#update(id, at, kind === 'email' ? { contactEmail: contact } : { contactMobile: contact });
  }

  async setName(id: string, name: string, at: Date): Promise<Account | undefined> {
    return this.#update(id, at, { name });
  }

  async setSessionsValidFrom(id: string, epochSeconds: number, at: Date): Promise<Account | undefined> {
    const movesForward = (account: Account): boolean => account.sessionsValidFrom === null || account.sessionsValidFrom < epochSeconds;
    return this.#update(id, at, { sessionsValidFrom: epochSeconds }, movesForward) ?? this.findById(id);
  }
}

class MemorySecrets implements SecretRepository {
  readonly #values = new Map<string, unknown>();

  async get<T>(name: string): Promise<T | undefined> {
    return this.#values.has(name) ? structuredClone(this.#values.get(name) as T) : undefined;
  }

  async getOrInsert<T>(name: string, candidate: T): Promise<T> {
    if (!this.#values.has(name)) this.#values.set(name, structuredClone(candidate));
    return structuredClone(this.#values.get(name) as T);
  }
}

class MemoryConsents implements ConsentRepository {
  readonly #now: () => number;
  /** grantId → expiry in epoch milliseconds, or null for "until forgotten". */
  readonly #remembered = new Map<string, number | null>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async remember(grantId: string, expiresAt: Date | null): Promise<void> {
    this.#remembered.set(grantId, expiresAt === null ? null : expiresAt.getTime());
  }

  async isRemembered(grantId: string): Promise<boolean> {
    return this.#remembered.has(grantId) && isLive(this.#remembered.get(grantId), this.#now());
  }

  async forget(grantId: string): Promise<void> {
    this.#remembered.delete(grantId);
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [grantId, expiresAt] of this.#remembered) {
      if (!isLive(expiresAt, now)) {
        this.#remembered.delete(grantId);
        removed += 1;
      }
    }
    return removed;
  }
}

export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  const models = new Map<string, MemoryOidcModelStore>();
  const consents = new MemoryConsents(now);
  const challenges = new MemoryChallenges(now);
  const oneTimeCodes = new MemoryOneTimeCodes(now);
  const approvals = new MemoryApprovals(now);
  const blocks = new MemoryBlocks(now);
  const enrolmentTickets = new MemoryEnrolmentTickets(now);

  return {
    kind: 'memory',
    accounts: new MemoryAccounts(now),
    secrets: new MemorySecrets(),
    consents,
    passkeys: new MemoryPasskeys(),
    challenges,
    oneTimeCodes,
    audit: new MemoryAudit(),
    devices: new MemoryDevices(),
    approvals,
    trustedBrowsers: new MemoryTrustedBrowsers(),
    blocks,
    recoveryRequests: new MemoryRecoveryRequests(),
    enrolmentTickets,
    oidc(model: string): OidcModelStore {
      let store = models.get(model);
      if (!store) {
        store = new MemoryOidcModelStore(model, now);
        models.set(model, store);
      }
      return store;
    },
    async init(): Promise<void> {},
    async ping(): Promise<void> {},
    async sweepExpired(): Promise<number> {
      const at = now();
      let removed = consents.sweep(at) + challenges.sweep(at) + oneTimeCodes.sweep(at) + approvals.sweep(at) + blocks.sweep(at) + enrolmentTickets.sweep(at);
      for (const store of models.values()) removed += store.sweep(at);
      return removed;
    },
    async close(): Promise<void> {},
  };
}
