// Trusted browsers: { _id: id, accountId, tokenHash, label, name, createdAt, lastUsedAt, expiresAt }.
// A unique index on tokenHash finds the browser by its cookie and refuses a second record for one
// cookie. Records written before expiresAt existed have none and never expire (isLive), until the
// browser's next use dates them.
import type mongoose from 'mongoose';
import { DuplicateKeyError } from '../errors.ts';
import type { TrustedBrowser, TrustedBrowserRepository } from '../types.ts';
import { guard, isDuplicateKeyError } from './connection.ts';
import { isLive, type TtlIndexes } from './expiry.ts';

export const TRUSTED_BROWSERS_COLLECTION = 'trusted_browsers';

/** A TrustedBrowser with its id as the _id; expiresAt is missing on records from before it existed. */
type TrustedBrowserDocument = Omit<TrustedBrowser, 'id' | 'expiresAt'> & { _id: string; expiresAt?: Date };

/** Far enough ahead to mean "never" for a record written before browsers expired. */
const NEVER = new Date(8_640_000_000_000_000);

function toBrowser(document: TrustedBrowserDocument): TrustedBrowser {
  return {
    id: document._id,
    accountId: document.accountId,
    tokenHash: document.tokenHash,
    label: document.label,
    name: document.name,
    createdAt: document.createdAt,
    lastUsedAt: document.lastUsedAt,
    expiresAt: document.expiresAt ?? NEVER,
  };
}

/**
 * Which unique key a duplicate key error is about. MongoDB names it in keyPattern; FerretDB 1.x
 * does not, so then the stored documents decide: a browser holding the hash means that one.
 */
async function duplicateField(collection: mongoose.mongo.Collection<TrustedBrowserDocument>, err: unknown, tokenHash: string): Promise<string> {
  const keyPattern = (err as { keyPattern?: unknown }).keyPattern;
  if (keyPattern && typeof keyPattern === 'object') return 'tokenHash' in keyPattern ? 'tokenHash' : 'id';
  return await collection.findOne({ tokenHash }, { projection: { _id: 1 } }) ? 'tokenHash' : 'id';
}

export class MongoTrustedBrowsers implements TrustedBrowserRepository {
  readonly #collection: mongoose.mongo.Collection<TrustedBrowserDocument>;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, now: () => number) {
    this.#collection = db.collection<TrustedBrowserDocument>(TRUSTED_BROWSERS_COLLECTION);
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await this.#collection.createIndex({ tokenHash: 1 }, { unique: true });
    // Listing one account's browsers oldest first, and removing them all.
    await this.#collection.createIndex({ accountId: 1, createdAt: 1, _id: 1 });
    await ttl.ensure(this.#collection);
  }

  add(browser: TrustedBrowser): Promise<void> {
    return guard(async () => {
      const document: TrustedBrowserDocument = {
        _id: browser.id,
        accountId: browser.accountId,
        tokenHash: browser.tokenHash,
        label: browser.label,
        name: browser.name,
        createdAt: browser.createdAt,
        lastUsedAt: browser.lastUsedAt,
        expiresAt: browser.expiresAt,
      };
      try {
        await this.#collection.insertOne(document);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new DuplicateKeyError(await duplicateField(this.#collection, err, browser.tokenHash), { cause: err });
        throw err;
      }
    });
  }

  findByTokenHash(tokenHash: string): Promise<TrustedBrowser | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ tokenHash });
      return document && isLive(document, this.#now()) ? toBrowser(document) : undefined;
    });
  }

  listByAccount(accountId: string): Promise<TrustedBrowser[]> {
    return guard(async () => {
      // The id breaks ties, as in the memory store.
      const documents = await this.#collection.find({ accountId }).sort({ createdAt: 1, _id: 1 }).toArray();
      const now = this.#now();
      return documents.filter((document) => isLive(document, now)).map(toBrowser);
    });
  }

  touch(id: string, at: Date, expiresAt: Date): Promise<void> {
    return guard(async () => {
      await this.#collection.updateOne({ _id: id }, { $set: { lastUsedAt: at, expiresAt } });
    });
  }

  rename(accountId: string, id: string, name: string): Promise<boolean> {
    return guard(async () => {
      const { matchedCount } = await this.#collection.updateOne({ _id: id, accountId }, { $set: { name } });
      return matchedCount > 0;
    });
  }

  remove(accountId: string, id: string): Promise<boolean> {
    return guard(async () => {
      const { deletedCount } = await this.#collection.deleteOne({ _id: id, accountId });
      return deletedCount > 0;
    });
  }

  removeAllForAccount(accountId: string): Promise<number> {
    return guard(async () => {
      const { deletedCount } = await this.#collection.deleteMany({ accountId });
      return deletedCount;
    });
  }
}
