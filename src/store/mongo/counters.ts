// Windowed counters, one document per hit:
// { _id: `${key}:${n}`, key, n, first, windowEndsAt, expiresAt }. n numbers the hits of a key 1, 2,
// 3, ... across windows; `first` is the n that opened the current window, so the count is
// n - first + 1. hit() reads the highest n and inserts n + 1; of several racers exactly one insert
// succeeds (unique _id), the others read again and take the next slot. So N concurrent calls take N
// distinct slots and return N distinct counts. A conditional $inc would not do: FerretDB applies it
// as read-then-write, and parallel increments are lost. clear() takes a slot the same way, one
// whose window has already ended (and whose `first` is past it), so the count reads 0 and the next
// hit opens a new window, in the same numbering.
import type mongoose from 'mongoose';
import type { CounterRepository } from '../types.ts';
import { assertWindowSeconds } from '../arguments.ts';
import { guard, isDuplicateKeyError } from './connection.ts';
import type { TtlIndexes } from './expiry.ts';

export const COUNTERS_COLLECTION = 'counters';
/**
 * Where the one-time-code store kept these counts before counters had a collection of their own.
 * Nothing writes it any more; it stays on the sweep list so its last documents go.
 */
export const RETIRED_COUNTER_COLLECTION = 'one_time_code_failures';

/**
 * How long hit documents outlive their window before the sweep (or a TTL index) may delete them.
 * While the newest hit of a key is still on disk, the next window continues its numbering; if it
 * were deleted the moment its window ended, a call that read it just before and one that read the
 * empty collection just after would both open a window and one hit would go uncounted.
 */
export const HIT_RETENTION_MS = 5 * 60_000;

/** Each attempt loses only to a racer that took a slot, so this bounds the concurrent callers. */
const MAX_SLOT_ATTEMPTS = 100;

interface HitDocument {
  /** `${key}:${n}` */
  _id: string;
  key: string;
  n: number;
  /** The n of the first hit of this hit's window. */
  first: number;
  /** The window lasts `windowSeconds` from its first hit. */
  windowEndsAt: Date;
  /** windowEndsAt + HIT_RETENTION_MS: when the document may be deleted. */
  expiresAt: Date;
}

export class MongoCounters implements CounterRepository {
  readonly #hits: mongoose.mongo.Collection<HitDocument>;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, now: () => number) {
    this.#hits = db.collection<HitDocument>(COUNTERS_COLLECTION);
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await this.#hits.createIndex({ key: 1, n: -1 });
    await ttl.ensure(this.#hits);
  }

  hit(key: string, windowSeconds: number): Promise<number> {
    return guard(async () => {
      assertWindowSeconds(windowSeconds);
      for (let attempt = 1; ; attempt += 1) {
        const now = this.#now();
        const latest = await this.#latest(key);
        const n = latest ? latest.n + 1 : 1;
        const window = latest && latest.windowEndsAt.getTime() > now
          ? { first: latest.first, windowEndsAt: latest.windowEndsAt }
          : { first: n, windowEndsAt: new Date(now + windowSeconds * 1000) };
        try {
          await this.#hits.insertOne({
            _id: `${key}:${n}`,
            key,
            n,
            ...window,
            expiresAt: new Date(window.windowEndsAt.getTime() + HIT_RETENTION_MS),
          });
          return n - window.first + 1;
        } catch (err) {
          // Another caller took slot n; read again and try the next one.
          if (!isDuplicateKeyError(err) || attempt >= MAX_SLOT_ATTEMPTS) throw err;
        }
      }
    });
  }

  count(key: string): Promise<number> {
    return guard(async () => (await this.#openWindow(key))?.count ?? 0);
  }

  window(key: string): Promise<{ count: number; endsAt: Date } | undefined> {
    return guard(() => this.#openWindow(key));
  }

  clear(key: string): Promise<void> {
    return guard(async () => {
      for (let attempt = 1; ; attempt += 1) {
        const now = this.#now();
        const latest = await this.#latest(key);
        if (!latest || latest.windowEndsAt.getTime() <= now) return;
        const n = latest.n + 1;
        const ended = new Date(now);
        try {
          await this.#hits.insertOne({ _id: `${key}:${n}`, key, n, first: n + 1, windowEndsAt: ended, expiresAt: new Date(now + HIT_RETENTION_MS) });
          return;
        } catch (err) {
          if (!isDuplicateKeyError(err) || attempt >= MAX_SLOT_ATTEMPTS) throw err;
        }
      }
    });
  }

  async #openWindow(key: string): Promise<{ count: number; endsAt: Date } | undefined> {
    const latest = await this.#latest(key);
    return latest && latest.windowEndsAt.getTime() > this.#now() ? { count: latest.n - latest.first + 1, endsAt: latest.windowEndsAt } : undefined;
  }

  #latest(key: string): Promise<HitDocument | null> {
    return this.#hits.find({ key }).sort({ n: -1 }).limit(1).next();
  }
}
