// Temporary blocks: { _id: key, reason, expiresAt }, where expiresAt is the block's `until`: the
// field every expiring collection is read, swept and TTL-indexed by.
import type mongoose from 'mongoose';
import type { BlockRepository } from '../types.ts';
import { guard, replaceUpserting } from './connection.ts';
import { isLive } from './expiry.ts';
import type { TtlIndexes } from './expiry.ts';

export const BLOCKS_COLLECTION = 'blocks';

interface BlockDocument {
  /** The key. */
  _id: string;
  reason: string;
  expiresAt: Date;
}

export class MongoBlocks implements BlockRepository {
  readonly #collection: mongoose.mongo.Collection<BlockDocument>;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, now: () => number) {
    this.#collection = db.collection<BlockDocument>(BLOCKS_COLLECTION);
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#collection);
  }

  block(key: string, until: Date, reason: string): Promise<void> {
    return guard(async () => {
      // Race-safe on FerretDB, whose upsert is find-then-insert: see replaceUpserting.
      await replaceUpserting(this.#collection, key, { reason, expiresAt: until });
    });
  }

  find(key: string): Promise<{ until: Date; reason: string } | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: key });
      return document && isLive(document, this.#now()) ? { until: document.expiresAt, reason: document.reason } : undefined;
    });
  }
}
