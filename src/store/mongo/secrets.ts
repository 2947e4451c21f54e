// Named shared values (signing keys, cookie keys). Schemaless: a value is any JSON-serialisable
// thing, stored through the codec.
import type mongoose from 'mongoose';
import type { SecretRepository, VersionedSecret } from '../types.ts';
import { decode, encode } from './codec.ts';
import { guard, isDuplicateKeyError } from './connection.ts';

interface SecretDocument {
  _id: string;
  value: unknown;
  /** Absent on values written before replace() existed, and on values never replaced: revision 0. */
  revision?: number;
}

export class MongoSecrets implements SecretRepository {
  readonly #collection: mongoose.mongo.Collection<SecretDocument>;

  constructor(db: mongoose.mongo.Db) {
    this.#collection = db.collection<SecretDocument>('secrets');
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

  getVersioned<T>(name: string): Promise<VersionedSecret<T> | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: name });
      return document ? { value: decode(document.value) as T, revision: document.revision ?? 0 } : undefined;
    });
  }

  replace<T>(name: string, revision: number, value: T): Promise<boolean> {
    return guard(async () => {
      // One conditional update: the database decides which of several racing writers was first.
      const atRevision = revision === 0 ? { $or: [{ revision: 0 }, { revision: { $exists: false } }] } : { revision };
      const result = await this.#collection.updateOne({ _id: name, ...atRevision }, { $set: { value: encode(value), revision: revision + 1 } });
      return result.matchedCount === 1;
    });
  }
}
