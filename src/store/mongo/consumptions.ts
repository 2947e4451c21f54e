// The single-winner step of consume().
//
// A conditional findOneAndUpdate({ 'payload.consumed': { $exists: false } }, { $set: ... }) is
// atomic on MongoDB but not on FerretDB 1.x: it reads, then writes, so under 10 parallel calls
// several of them "win" (seen in 29 of 30 rounds). What both servers do enforce atomically is a
// unique _id, so the winner is whoever inserts the claim document first.
import type mongoose from 'mongoose';
import { isDuplicateKeyError } from './connection.ts';
import type { TtlIndexes } from './expiry.ts';

export const CONSUMPTIONS_COLLECTION = 'consumptions';

interface ClaimDocument {
  _id: string;
  /** Copied from the consumed record, so the claim goes away when the record would. */
  expiresAt?: Date;
}

export class ConsumptionClaims {
  readonly #collection: mongoose.mongo.Collection<ClaimDocument>;

  constructor(db: mongoose.mongo.Db) {
    this.#collection = db.collection<ClaimDocument>(CONSUMPTIONS_COLLECTION);
  }

  /** True for exactly one caller per key, ever (until the claim expires). */
  async claim(key: string, expiresAt: Date | undefined): Promise<boolean> {
    try {
      await this.#collection.insertOne(expiresAt ? { _id: key, expiresAt } : { _id: key });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /**
   * Single-winner removal of the version `rev` of record `id` that a caller has just read: claim
   * it, then delete exactly that version. False when another caller won, or a newer version (a
   * new put or issue under the same key) replaced the one that was read.
   */
  async takeVersion<T extends { _id: string; rev: string }>(collection: mongoose.mongo.Collection<T>, id: string, rev: string, expiresAt: Date | undefined): Promise<boolean> {
    if (!await this.claim(`${collection.collectionName}:${id}:${rev}`, expiresAt)) return false;
    const { deletedCount } = await collection.deleteOne({ _id: id, rev } as mongoose.mongo.Filter<T>);
    return deletedCount > 0;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#collection);
  }
}
