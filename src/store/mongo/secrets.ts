// Named shared values (signing keys, cookie keys). Schemaless: a value is any JSON-serialisable
// thing, stored through the codec. A replace at a revision goes through
// ConsumptionClaims.updateVersion: FerretDB applies a conditional update by read-then-write, so the
// filter alone would let two replaces of one revision both "win".
import type mongoose from 'mongoose';
import type { SecretRepository, VersionedSecret } from '../types.ts';
import { decode, encode } from './codec.ts';
import { guard, isDuplicateKeyError } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';

interface SecretDocument {
  _id: string;
  value: unknown;
  /** Absent on values written before replace() existed, and on values never replaced: revision 0. */
  revision?: number;
  /** The write version updateVersion claims (absent until the first replace). */
  rev?: string;
}

export class MongoSecrets implements SecretRepository {
  readonly #collection: mongoose.mongo.Collection<SecretDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#collection = db.collection<SecretDocument>('secrets');
    this.#claims = claims;
    this.#now = now;
  }

  get<T>(name: string): Promise<T | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: name });
      return document ? decode(document.value) as T : undefined;
    });
  }

  getOrInsert<T>(name: string, candidate: T): Promise<T> {
    return guard(async () => {
      try {
        await this.#collection.updateOne({ _id: name }, { $setOnInsert: { value: encode(candidate) } }, { upsert: true });
      } catch (err) {
        // Another process inserted between this upsert's lookup and its insert; its value stands.
        if (!isDuplicateKeyError(err)) throw err;
      }
      const stored = await this.#collection.findOne({ _id: name });
      if (!stored) throw new Error(`secret ${JSON.stringify(name)} vanished right after it was written`);
      return decode(stored.value) as T;
    });
  }

  findVersioned<T>(name: string): Promise<VersionedSecret<T> | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: name });
      return document ? { value: decode(document.value) as T, revision: document.revision ?? 0 } : undefined;
    });
  }

  replace<T>(name: string, revision: number, value: T): Promise<boolean> {
    return guard(async () => {
      const current = await this.#collection.findOne({ _id: name });
      if (!current || (current.revision ?? 0) !== revision) return false;
      // Exactly one of the writers that read this version gets to write it (see the top).
      return await this.#claims.updateVersion(this.#collection, name, current.rev, { value: encode(value), revision: revision + 1 }, this.#now()) !== undefined;
    });
  }
}
