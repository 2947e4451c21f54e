// Expiry for every collection whose documents carry `expiresAt`: the read filter that makes an
// expired document invisible, and the TTL index that merely reclaims space where the server has one.
import type mongoose from 'mongoose';
import { isUnsupportedIndexOptionError } from './connection.ts';

export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * Whether a document read by `_id` has not expired at `now` (no expiresAt, or null, means never).
 * Reads look documents up by `_id` alone and check expiry here, after the read: FerretDB 1.x
 * pushes only a filter that is exactly `{ _id: <value> }` down to its backend; any other field in
 * the filter (an expiry condition too) makes it decode and test every document of the collection.
 */
export function isLive(document: { expiresAt?: Date | null } | null | undefined, now: number): boolean {
  if (!document) return false;
  const expiresAt = document.expiresAt;
  return expiresAt === undefined || expiresAt === null || expiresAt.getTime() > now;
}

/**
 * Matches documents that have not expired at `now` (no expiresAt, or null, means never). Only for
 * queries by a secondary field, which scan on FerretDB anyway; reads by `_id` use isLive().
 */
export function liveFilter(now: number): { $or: object[] } {
  return { $or: [{ expiresAt: { $exists: false } }, { expiresAt: null }, { expiresAt: { $gt: new Date(now) } }] };
}

export function expiredFilter(now: number): { expiresAt: { $lte: Date } } {
  return { expiresAt: { $lte: new Date(now) } };
}

/** `expiresIn` in seconds from `now`; undefined when the record does not expire. */
export function expiresAtFrom(now: number, expiresIn: number | undefined): Date | undefined {
  if (expiresIn === undefined || expiresIn === null) return undefined;
  if (!Number.isFinite(expiresIn)) throw new RangeError(`expiresIn must be a finite number of seconds, got ${expiresIn}`);
  return new Date(now + expiresIn * 1000);
}

/**
 * Creates the `expiresAt` index on each expiring collection. The first refusal of TTL (FerretDB 1.x:
 * `Index option "expireAfterSeconds" is not implemented yet`) is logged once and remembered; from
 * then on a plain index is created instead, so sweepExpired() still finds expired documents fast.
 */
export class TtlIndexes {
  readonly #logger: StoreLogger | undefined;
  #state: 'unknown' | 'supported' | 'unsupported' = 'unknown';

  constructor(logger: StoreLogger | undefined) {
    this.#logger = logger;
  }

  /** False until a TTL index was actually created, so a caller that skipped init() still sweeps. */
  get supported(): boolean {
    return this.#state === 'supported';
  }

  async ensure<T extends mongoose.mongo.Document>(collection: mongoose.mongo.Collection<T>): Promise<void> {
    if (this.#state !== 'unsupported') {
      try {
        await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
        this.#state = 'supported';
        return;
      } catch (err) {
        if (!isUnsupportedIndexOptionError(err)) throw err;
        this.#state = 'unsupported';
        this.#logger?.warn(
          { err: err instanceof Error ? err.message : String(err), collection: collection.collectionName },
          'the database refuses TTL indexes; expired records are only removed by sweepExpired()',
        );
      }
    }
    await collection.createIndex({ expiresAt: 1 });
  }
}
