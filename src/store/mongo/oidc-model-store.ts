// Storage for one oidc-provider model in its own collection: { _id, payload, expiresAt?, rev }.
// The payload is schemaless (native driver, not a mongoose schema) and goes through the codec.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { AlreadyConsumedError, DuplicateKeyError } from '../errors.ts';
import type { AdapterPayload, OidcModelStore } from '../types.ts';
import { decode, encode } from './codec.ts';
import { guard, isDuplicateKeyError, replaceUpserting } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';
import { expiresAtFrom, isLive, liveFilter } from './expiry.ts';
import type { TtlIndexes } from './expiry.ts';

/** The models oidc-provider 9 stores; init() indexes their collections up front. */
export const OIDC_MODELS = [
  'Session',
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'Client',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'Interaction',
  'ReplayDetection',
  'PushedAuthorizationRequest',
  'Grant',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
] as const;

export const OIDC_COLLECTION_PREFIX = 'oidc_';

/** 'AuthorizationCode' → 'oidc_authorization_code'. */
export function oidcCollectionName(model: string): string {
  const snake = model
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
  return `${OIDC_COLLECTION_PREFIX}${snake}`;
}

/** Secondary keys oidc-provider looks records up by, unique per model. */
const UNIQUE_PAYLOAD_FIELD: Readonly<Record<string, 'uid' | 'userCode'>> = {
  Session: 'uid',
  DeviceCode: 'userCode',
};

interface OidcDocument {
  _id: string;
  payload: Record<string, unknown>;
  expiresAt?: Date;
  /** Changes on every upsert, so a consume claim belongs to one version of the record. */
  rev: string;
  /**
   * Set by consume(): rev → when that version was consumed (epoch seconds). Only the entry of the
   * current `rev` counts, so consume() can write by `{ _id }` alone: an entry that lands on a newer
   * version (replaced after consume() read it) marks nothing and erases no other entry. Records
   * consumed before this field existed carry `payload.consumed` instead.
   */
  consumed?: Record<string, number>;
}

/** When the stored version of the record was consumed (epoch seconds), or undefined. */
function consumedAt(document: Pick<OidcDocument, 'rev' | 'consumed'> & { payload?: { consumed?: unknown } }): unknown {
  return document.payload?.consumed ?? document.consumed?.[document.rev];
}

/** The payload oidc-provider stored, with `consumed` when this version has been consumed. */
function payloadOf(document: OidcDocument): AdapterPayload {
  const payload = decode(document.payload) as AdapterPayload;
  const at = consumedAt(document);
  if (at !== undefined) payload.consumed = at;
  return payload;
}

/** A version of a record as this process last wrote or read it: what consume() needs to know. */
interface SeenVersion {
  rev: string;
  expiresAt: Date | undefined;
  consumed: boolean;
}

/** Concurrent first upserts of one id race on FerretDB (it upserts as find-then-insert). */
const UPSERT_ATTEMPTS = 3;

/**
 * { _id: uid or user code, id, expiresAt? }: where the record holding a secondary key lives, so
 * findByUid / findByUserCode read by `_id` twice instead of filtering on `payload.uid`, which
 * FerretDB 1.x answers by decoding every document of the collection (see isLive() in expiry.ts).
 * A lookup is a hint: the record it names is read and must still hold the key; when it does not,
 * or there is no lookup (records written before lookups existed), the query by payload field
 * decides. The unique index on the payload field still enforces one live holder per key.
 */
interface LookupDocument {
  _id: string;
  id: string;
  expiresAt?: Date;
}

const LOOKUP_SUFFIX = /_by_(uid|usercode)$/;

/** `oidc_session_by_uid`: lookups are swept with their records but not counted as records. */
export function isLookupCollection(name: string): boolean {
  return name.startsWith(OIDC_COLLECTION_PREFIX) && LOOKUP_SUFFIX.test(name);
}

/** How many record → key pairs, and how many stored ids, one process remembers. */
const REMEMBERED_CAP = 10_000;

/**
 * How many versions one process remembers for consume(): it needs only the record found in the
 * same request, a moment before.
 */
const VERSIONS_CAP = 1_000;

/** The models oidc-provider consumes (their `consume()`), whose versions are worth remembering. */
const CONSUMABLE_MODELS = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PushedAuthorizationRequest', 'PreAuthorizedCode']);

/** Adds `key` (with `value`) as the newest entry, dropping the oldest beyond `cap`. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, cap = REMEMBERED_CAP): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > cap) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

export class MongoOidcModelStore implements OidcModelStore {
  readonly model: string;
  readonly collectionName: string;
  readonly #collection: mongoose.mongo.Collection<OidcDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;
  readonly #uniqueField: 'uid' | 'userCode' | undefined;
  readonly #lookups: mongoose.mongo.Collection<LookupDocument> | undefined;
  /** id → key whose lookup this process last wrote, so saving a session again costs no lookup write. */
  readonly #writtenLookups = new Map<string, string>();
  /**
   * Ids this process has seen stored (written or read). upsert() inserts any other id first, since
   * most upserts create a record (codes, tokens, grants, a new sign-in's session and interaction)
   * and an insert is the one write FerretDB 1.x does not answer by scanning the collection (see
   * replaceUpserting). An id stored by another process fails that insert and is then replaced.
   */
  readonly #stored = new Map<string, true>();
  /**
   * id → the version this process last wrote or read, so consume() right after find() (as
   * oidc-provider does) skips reading the record again. A version that is stale by then fails
   * consume() safely: its claim, or the rev check of its write (see consume()).
   */
  readonly #versions = new Map<string, SeenVersion>();
  readonly #consumable: boolean;

  constructor(db: mongoose.mongo.Db, model: string, claims: ConsumptionClaims, now: () => number) {
    this.model = model;
    this.collectionName = oidcCollectionName(model);
    this.#collection = db.collection<OidcDocument>(this.collectionName);
    this.#claims = claims;
    this.#now = now;
    this.#uniqueField = UNIQUE_PAYLOAD_FIELD[model];
    this.#consumable = CONSUMABLE_MODELS.has(model);
    this.#lookups = this.#uniqueField ? db.collection<LookupDocument>(`${this.collectionName}_by_${this.#uniqueField.toLowerCase()}`) : undefined;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await this.#collection.createIndex({ 'payload.grantId': 1 });
    // listByAccountId: a user's grants, sessions and tokens, to list or end them.
    await this.#collection.createIndex({ 'payload.accountId': 1 });
    if (this.#uniqueField) await this.#collection.createIndex({ [`payload.${this.#uniqueField}`]: 1 }, { unique: true });
    await ttl.ensure(this.#collection);
    if (this.#lookups) await ttl.ensure(this.#lookups);
  }

  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    return guard(async () => {
      const expiresAt = expiresAtFrom(this.#now(), expiresIn);
      const document: Omit<OidcDocument, '_id'> = {
        payload: encode(payload) as Record<string, unknown>,
        rev: randomUUID(),
        ...(expiresAt ? { expiresAt } : {}),
      };
      if (!this.#stored.has(id)) {
        try {
          await this.#collection.insertOne({ _id: id, ...document });
          remember(this.#stored, id, true);
          this.#saw(id, document);
          await this.#writeLookup(id, payload, expiresAt);
          return;
        } catch (err) {
          // The id exists already, or another record holds the uid / user code: the loop decides.
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.#collection.replaceOne({ _id: id }, document, { upsert: true });
          remember(this.#stored, id, true);
          this.#saw(id, document);
          await this.#writeLookup(id, payload, expiresAt);
          return;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          const releasedStaleHolder = await this.#deleteExpiredHolder(id, payload);
          if (attempt >= UPSERT_ATTEMPTS && !releasedStaleHolder) {
            throw new DuplicateKeyError(this.#uniqueField ?? 'id', { cause: err });
          }
        }
      }
    });
  }

  // Without a TTL index an expired record keeps its uid/userCode in the unique index until the
  // next sweep; it is invisible to reads, so it must not block a new record either.
  async #deleteExpiredHolder(id: string, payload: AdapterPayload): Promise<boolean> {
    const field = this.#uniqueField;
    const value = field ? payload[field] : undefined;
    if (!field || typeof value !== 'string') return false;
    const { deletedCount } = await this.#collection.deleteMany({
      [`payload.${field}`]: value,
      _id: { $ne: id },
      expiresAt: { $lte: new Date(this.#now()) },
    });
    return deletedCount > 0;
  }

  async #writeLookup(id: string, payload: AdapterPayload, expiresAt: Date | undefined): Promise<void> {
    const field = this.#uniqueField;
    const value = field ? payload[field] : undefined;
    if (!this.#lookups || typeof value !== 'string' || this.#writtenLookups.get(id) === value) return;
    await replaceUpserting(this.#lookups, value, expiresAt ? { id, expiresAt } : { id });
    remember(this.#writtenLookups, id, value);
  }

  /** The live record holding `value` in its unique payload field; see LookupDocument. */
  #findByUnique(field: 'uid' | 'userCode', value: string): Promise<AdapterPayload | undefined> {
    return guard(async () => {
      const lookup = await this.#lookups?.findOne({ _id: value });
      if (lookup) {
        const document = await this.#collection.findOne({ _id: lookup.id });
        if (document && isLive(document, this.#now()) && document.payload[field] === value) return payloadOf(document);
      }
      return this.#findOne({ [`payload.${field}`]: value });
    });
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: id });
      if (!document || !isLive(document, this.#now())) return undefined;
      remember(this.#stored, id, true);
      this.#saw(id, document);
      return payloadOf(document);
    });
  }

  #saw(id: string, document: Omit<OidcDocument, '_id'>): void {
    if (!this.#consumable) return;
    remember(this.#versions, id, { rev: document.rev, expiresAt: document.expiresAt, consumed: consumedAt(document) !== undefined }, VERSIONS_CAP);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findByUnique('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findByUnique('userCode', userCode);
  }

  // Expiry is checked after the read, so a lookup by _id stays a bare { _id } (see isLive()). A
  // lookup by uid or user code may find an expired holder first: the unique index allows one
  // document per value, so an expired one is the only one there is.
  #findOne(filter: mongoose.mongo.Filter<OidcDocument>): Promise<AdapterPayload | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne(filter);
      return document && isLive(document, this.#now()) ? payloadOf(document) : undefined;
    });
  }

  listByAccountId(accountId: string): Promise<Array<{ id: string; payload: AdapterPayload }>> {
    return guard(async () => {
      const documents = await this.#collection.find({ 'payload.accountId': accountId, ...liveFilter(this.#now()) }).toArray();
      return documents.map((document) => ({ id: document._id, payload: payloadOf(document) }));
    });
  }

  // The claim makes one caller per version the winner. The write then goes by `{ _id }` alone,
  // the one filter FerretDB 1.x (SQLite) pushes down and can serve from an index: a filter of
  // `{ _id, rev }` made it decode every record of the collection, and refresh tokens pile up.
  // The version check moves into the data (`consumed` is keyed by rev) and into `before.rev`: revs
  // never repeat, so finding our rev at the write means the version was live from read to write.
  consume(id: string): Promise<void> {
    return guard(async () => {
      const now = this.#now();
      const current = this.#versions.get(id) ?? await this.#readVersion(id);
      this.#versions.delete(id);
      if (!current || !isLive(current, now) || current.consumed) throw new AlreadyConsumedError();
      if (!await this.#claims.claim(`${this.collectionName}:${id}:${current.rev}`, current.expiresAt)) {
        throw new AlreadyConsumedError();
      }
      const before = await this.#collection.findOneAndUpdate(
        { _id: id },
        { $set: { [`consumed.${current.rev}`]: Math.floor(now / 1000) } },
        // No projection: FerretDB 1.x refuses findAndModify's `fields` (NotImplemented).
        { returnDocument: 'before' },
      );
      // Destroyed or replaced since the version was read: nothing left to consume.
      if (!before || before.rev !== current.rev) throw new AlreadyConsumedError();
      if (this.#consumable) remember(this.#versions, id, { ...current, consumed: true }, VERSIONS_CAP);
    });
  }

  async #readVersion(id: string): Promise<SeenVersion | undefined> {
    const document = await this.#collection.findOne({ _id: id }, { projection: { rev: 1, expiresAt: 1, consumed: 1, 'payload.consumed': 1 } });
    return document ? { rev: document.rev, expiresAt: document.expiresAt, consumed: consumedAt(document) !== undefined } : undefined;
  }

  destroy(id: string): Promise<void> {
    return guard(async () => {
      await this.#collection.deleteOne({ _id: id });
      this.#stored.delete(id);
      this.#versions.delete(id);
      // A lookup this process wrote goes too; any other is found stale when read, and swept.
      const value = this.#writtenLookups.get(id);
      if (value !== undefined && this.#lookups) {
        this.#writtenLookups.delete(id);
        await this.#lookups.deleteOne({ _id: value });
      }
    });
  }

  revokeByGrantId(grantId: string): Promise<void> {
    return guard(async () => {
      await this.#collection.deleteMany({ 'payload.grantId': grantId });
    });
  }
}
