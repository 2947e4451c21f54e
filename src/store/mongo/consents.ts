// Which grants the user asked to remember: { _id: grantId, expiresAt: Date | null }.
import type mongoose from 'mongoose';
import type { ConsentRepository } from '../types.ts';
import { guard, replaceUpserting } from './connection.ts';
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
      // Usually a new grant: inserted, the cheap write on FerretDB (see replaceUpserting).
      await replaceUpserting(this.#collection, grantId, { expiresAt });
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
