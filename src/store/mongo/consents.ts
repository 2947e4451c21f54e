// Which grants the user asked to remember: { _id: grantId, expiresAt: Date | null }.
import type mongoose from 'mongoose';
import type { ConsentRepository } from '../types.ts';
import { guard, isDuplicateKeyError } from './connection.ts';
import { isLive } from './expiry.ts';
import type { TtlIndexes } from './expiry.ts';

export const CONSENTS_COLLECTION = 'consents';

interface ConsentDocument {
  _id: string;
  /** null: remembered until forgotten. A TTL index ignores null, which is what we want. */
  expiresAt: Date | null;
}

export class MongoConsents implements ConsentRepository {
  readonly #collection: mongoose.mongo.Collection<ConsentDocument>;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, now: () => number) {
    this.#collection = db.collection<ConsentDocument>(CONSENTS_COLLECTION);
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#collection);
  }

  remember(grantId: string, expiresAt: Date | null): Promise<void> {
    return guard(async () => {
      try {
        await this.#collection.replaceOne({ _id: grantId }, { expiresAt }, { upsert: true });
      } catch (err) {
        // A concurrent first remember() inserted it (FerretDB upserts race); now it exists, so replace.
        if (!isDuplicateKeyError(err)) throw err;
        await this.#collection.replaceOne({ _id: grantId }, { expiresAt }, { upsert: true });
      }
    });
  }

  isRemembered(grantId: string): Promise<boolean> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: grantId }, { projection: { expiresAt: 1 } });
      return isLive(document, this.#now());
    });
  }

  forget(grantId: string): Promise<void> {
    return guard(async () => {
      await this.#collection.deleteOne({ _id: grantId });
    });
  }
}
