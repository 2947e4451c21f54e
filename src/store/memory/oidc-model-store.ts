// oidc-provider's models in memory: one instance per model name, with the uid, userCode and grantId
// lookups the provider needs.
import { AlreadyConsumedError, DuplicateKeyError, StoreUnavailableError } from '../errors.ts';
import type { AdapterPayload, OidcModelStore } from '../types.ts';
import { expiresAtFrom, isLive } from './expiry.ts';
import { copyRecord } from '../copy.ts';
import { footprintOf, type Footprint } from './footprint.ts';

interface StoredRecord {
  payload: AdapterPayload;
  /** Epoch milliseconds; undefined means it never expires. */
  expiresAt: number | undefined;
}

// The mongo store enforces these with unique indexes; the memory store mirrors them so both
// adapters refuse the same writes.
const UNIQUE_UID_MODELS = new Set(['Session']);
const UNIQUE_USER_CODE_MODELS = new Set(['DeviceCode']);

/**
 * Records one model may hold. Sessions and refresh tokens live for weeks, so without a cap the
 * process grows with every sign-in. At the cap the expired records are swept at once; when that
 * frees nothing, a new record is refused (StoreUnavailableError, a clean 503) rather than evicting
 * a live session or code, which would sign someone out or break a flow without a word.
 */
export const DEFAULT_MAX_RECORDS_PER_MODEL = 100_000;

/** At the cap, sweep at most this often: a sweep walks every record. */
const SWEEP_AT_CAP_INTERVAL_MS = 1000;

/**
 * Expired records looked at (from the oldest written) on each write: records of one model mostly
 * share a lifetime, so the oldest expire first, and a consumed authorization code or an expired
 * access token leaves within a write or two of its expiry instead of waiting for the next
 * sweepExpired (every few minutes), at a constant cost per write.
 */
const EXPIRED_REMOVED_PER_WRITE = 2;

export class MemoryOidcModelStore implements OidcModelStore {
  readonly model: string;
  readonly #now: () => number;
  readonly #records = new Map<string, StoredRecord>();
  readonly #byUid = new Map<string, string>();
  readonly #byUserCode = new Map<string, string>();
  /** Most grants have one record per model: the id itself, a Set only from the second on. */
  readonly #byGrantId = new Map<string, string | Set<string>>();
  readonly #maxRecords: number;
  #sweptAtCap = -Infinity;

  constructor(model: string, now: () => number, maxRecords = DEFAULT_MAX_RECORDS_PER_MODEL) {
    this.model = model;
    this.#now = now;
    this.#maxRecords = maxRecords;
  }

  #assertRoom(id: string): void {
    if (this.#records.has(id) || this.#records.size < this.#maxRecords) return;
    const now = this.#now();
    if (now - this.#sweptAtCap >= SWEEP_AT_CAP_INTERVAL_MS) {
      this.#sweptAtCap = now;
      this.sweep(now);
    }
    if (this.#records.size >= this.#maxRecords) {
      throw new StoreUnavailableError({ cause: new Error(`the memory store holds its cap of ${this.#maxRecords} live ${this.model} records`) });
    }
  }

  /** Removes the oldest-written records while they are expired, at most a few (see above). */
  #removeExpiredOldest(now: number): void {
    let removed = 0;
    for (const [id, record] of this.#records) {
      if (removed === EXPIRED_REMOVED_PER_WRITE || isLive(record.expiresAt, now)) return;
      this.#delete(id);
      removed += 1;
    }
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

  #index(id: string, payload: AdapterPayload): void {
    if (typeof payload.uid === 'string') this.#byUid.set(payload.uid, id);
    if (typeof payload.userCode === 'string') this.#byUserCode.set(payload.userCode, id);
    if (typeof payload.grantId === 'string') {
      const members = this.#byGrantId.get(payload.grantId);
      if (members === undefined || members === id) this.#byGrantId.set(payload.grantId, id);
      else if (typeof members === 'string') this.#byGrantId.set(payload.grantId, new Set([members, id]));
      else members.add(id);
    }
  }

  #unindex(id: string, payload: AdapterPayload): void {
    if (typeof payload.uid === 'string' && this.#byUid.get(payload.uid) === id) this.#byUid.delete(payload.uid);
    if (typeof payload.userCode === 'string' && this.#byUserCode.get(payload.userCode) === id) this.#byUserCode.delete(payload.userCode);
    if (typeof payload.grantId === 'string') {
      const members = this.#byGrantId.get(payload.grantId);
      if (members === id) this.#byGrantId.delete(payload.grantId);
      else if (typeof members === 'object') {
        members.delete(id);
        if (members.size === 0) this.#byGrantId.delete(payload.grantId);
      }
    }
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const now = this.#now();
    const expiresAt = expiresAtFrom(now, expiresIn);
    if (UNIQUE_UID_MODELS.has(this.model)) this.#assertUnique(this.#byUid, payload.uid, id, 'uid');
    if (UNIQUE_USER_CODE_MODELS.has(this.model)) this.#assertUnique(this.#byUserCode, payload.userCode, id, 'userCode');
    this.#removeExpiredOldest(now);
    this.#assertRoom(id);

    const stored = copyRecord(payload);
    const previous = this.#records.get(id);
    if (previous) this.#unindex(id, previous.payload);
    this.#records.set(id, { payload: stored, expiresAt });
    this.#index(id, stored);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#payloadOf(this.#live(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#payloadOf(this.#live(this.#byUid.get(uid)));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#payloadOf(this.#live(this.#byUserCode.get(userCode)));
  }

  #payloadOf(record: StoredRecord | undefined): AdapterPayload | undefined {
    return record ? copyRecord(record.payload) : undefined;
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
    if (members === undefined) return;
    for (const id of typeof members === 'string' ? [members] : [...members]) this.#delete(id);
  }

  async listByAccountId(accountId: string): Promise<Array<{ id: string; payload: AdapterPayload }>> {
    const found: Array<{ id: string; payload: AdapterPayload }> = [];
    const now = this.#now();
    for (const [id, record] of this.#records) {
      if (record.payload.accountId === accountId && isLive(record.expiresAt, now)) found.push({ id, payload: copyRecord(record.payload) });
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

  footprint(): Footprint {
    return footprintOf(Array.from(this.#records.values(), (record) => record.payload));
  }
}
