// The single-winner step of consume(), take(), decide() and of every read-check-write update.
//
// A conditional findOneAndUpdate({ 'payload.consumed': { $exists: false } }, { $set: ... }) is
// atomic on MongoDB but not on FerretDB 1.x: it reads, then writes, so under 10 parallel calls
// several of them "win" (seen in 29 of 30 rounds). What both servers do enforce atomically is a
// unique _id, so the winner is whoever inserts the claim document first.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { isDuplicateKeyError } from './connection.ts';
import type { TtlIndexes } from './expiry.ts';

export const CONSUMPTIONS_COLLECTION = 'consumptions';

/** How long a write claim (updateVersion) blocks its record if the holder dies before writing. */
export const WRITE_CLAIM_RETENTION_MS = 60_000;

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

  /**
   * Single-winner update of the version `rev` (undefined: a document written before revisions
   * existed) of record `id` that the caller has just read: claim that version, $set `changes` and a
   * new rev on exactly it, then release the claim. Returns the new rev; undefined when another
   * caller holds the claim or the version is no longer stored.
   *
   * Needed for every read-check-write on FerretDB 1.x: it applies an update by reading the whole
   * document and writing it back, so concurrent updates of one document, even of different
   * fields, overwrite each other, and conditional ones all "match". Writers that all go through
   * here are serialised per document. The claim is released once written, since the new rev
   * already makes it useless and a late reader of the old version must fail on the filter rather
   * than on a claim; it expires after WRITE_CLAIM_RETENTION_MS in case its holder dies first.
   */
  async updateVersion<T extends { _id: string; rev?: string }>(
    collection: mongoose.mongo.Collection<T>,
    id: string,
    rev: string | undefined,
    changes: Partial<Omit<T, '_id' | 'rev'>>,
    now: number,
  ): Promise<string | undefined> {
    const key = `${collection.collectionName}:${id}:${rev ?? ''}`;
    if (!await this.claim(key, new Date(now + WRITE_CLAIM_RETENTION_MS))) return undefined;
    try {
      const next = randomUUID();
      const filter = { _id: id, rev: rev === undefined ? { $exists: false } : rev } as mongoose.mongo.Filter<T>;
      const { matchedCount } = await collection.updateOne(filter, { $set: { ...changes, rev: next } } as mongoose.mongo.UpdateFilter<T>);
      return matchedCount > 0 ? next : undefined;
    } finally {
      // A claim left behind only delays writers until it expires and is swept.
      await this.#collection.deleteOne({ _id: key }).catch(() => undefined);
    }
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#collection);
  }
}
