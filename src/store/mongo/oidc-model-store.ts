// Storage for one oidc-provider model in its own collection: { _id, payload, expiresAt?, rev }.
// The payload is schemaless (native driver, not a mongoose schema) and goes through the codec.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { AlreadyConsumedError, DuplicateKeyError } from '../errors.ts';
import type { AdapterPayload, OidcModelStore } from '../types.ts';
import { decode, encode } from './codec.ts';
import { guard, isDuplicateKeyError } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';
import { expiresAtFrom, liveFilter } from './expiry.ts';
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
}

/** Concurrent first upserts of one id race on FerretDB (it upserts as find-then-insert). */
const UPSERT_ATTEMPTS = 3;

export class MongoOidcModelStore implements OidcModelStore {
  readonly model: string;
  readonly collectionName: string;
  readonly #collection: mongoose.mongo.Collection<OidcDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;
  readonly #uniqueField: 'uid' | 'userCode' | undefined;

  constructor(db: mongoose.mongo.Db, model: string, claims: ConsumptionClaims, now: () => number) {
    this.model = model;
    this.collectionName = oidcCollectionName(model);
    this.#collection = db.collection<OidcDocument>(this.collectionName);
    this.#claims = claims;
    this.#now = now;
    this.#uniqueField = UNIQUE_PAYLOAD_FIELD[model];
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await this.#collection.createIndex({ 'payload.grantId': 1 });
    // listByAccountId: a user's grants, sessions and tokens, to list or end them.
    await this.#collection.createIndex({ 'payload.accountId': 1 });
    if (this.#uniqueField) await this.#collection.createIndex({ [`payload.${this.#uniqueField}`]: 1 }, { unique: true });
    await ttl.ensure(this.#collection);
  }

  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    return guard(async () => {
      const expiresAt = expiresAtFrom(this.#now(), expiresIn);
      const document: Omit<OidcDocument, '_id'> = {
        payload: encode(payload) as Record<string, unknown>,
        rev: randomUUID(),
        ...(expiresAt ? { expiresAt } : {}),
      };
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.#collection.replaceOne({ _id: id }, document, { upsert: true });
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

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.#findOne({ _id: id });
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findOne({ 'payload.uid': uid });
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findOne({ 'payload.userCode': userCode });
  }

  #findOne(filter: mongoose.mongo.Filter<OidcDocument>): Promise<AdapterPayload | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ ...filter, ...liveFilter(this.#now()) });
      return document ? decode(document.payload) as AdapterPayload : undefined;
    });
  }

  listByAccountId(accountId: string): Promise<Array<{ id: string; payload: AdapterPayload }>> {
    return guard(async () => {
      const documents = await this.#collection.find({ 'payload.accountId': accountId, ...liveFilter(this.#now()) }).toArray();
      return documents.map((document) => ({ id: document._id, payload: decode(document.payload) as AdapterPayload }));
    });
  }

  consume(id: string): Promise<void> {
    return guard(async () => {
      const now = this.#now();
      const current = await this.#collection.findOne(
        { _id: id, ...liveFilter(now) },
        { projection: { rev: 1, expiresAt: 1, 'payload.consumed': 1 } },
      );
      if (!current || current.payload.consumed !== undefined) throw new AlreadyConsumedError();
      if (!await this.#claims.claim(`${this.collectionName}:${id}:${current.rev}`, current.expiresAt)) {
        throw new AlreadyConsumedError();
      }
      const { matchedCount } = await this.#collection.updateOne(
        { _id: id, rev: current.rev },
        { $set: { 'payload.consumed': Math.floor(now / 1000) } },
      );
      // Destroyed or replaced between our read and our claim: nothing left to consume.
      if (matchedCount === 0) throw new AlreadyConsumedError();
    });
  }

  destroy(id: string): Promise<void> {
    return guard(async () => {
      await this.#collection.deleteOne({ _id: id });
    });
  }

  revokeByGrantId(grantId: string): Promise<void> {
    return guard(async () => {
      await this.#collection.deleteMany({ 'payload.grantId': grantId });
    });
  }
}
