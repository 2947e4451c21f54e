// One-time codes and their failure counts, in two collections so re-issuing a code never touches
// the count.
//
// one_time_codes: { _id: key, codeHash, target, expiresAt, rev }. consume() is single-winner the
// same way as challenges.take(): read the live code, check the hash, claim its revision in the
// consumptions collection (unique _id insert), and only the claim's winner deletes it.
//
// one_time_code_failures: one document per failed attempt, { _id: `${key}:${n}`, key, n, first,
// windowEndsAt, expiresAt }. n numbers the failures of a key 1, 2, 3, ... across windows; `first`
// is the n that opened the current window, so the count is n - first + 1. recordFailure() reads
// the highest n and inserts n + 1; of several racers exactly one insert succeeds (unique _id),
// the others read again and take the next slot. So N concurrent calls take N distinct slots and
// return N distinct counts. A conditional $inc would not do: FerretDB applies it as read-then-
// write, and parallel increments are lost.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import type { OneTimeCode, OneTimeCodeRepository } from '../types.ts';
import { guard, isDuplicateKeyError, replaceUpserting } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';
import { liveFilter } from './expiry.ts';
import type { TtlIndexes } from './expiry.ts';
import { assertWindowSeconds, sameHash } from '../arguments.ts';

export const ONE_TIME_CODES_COLLECTION = 'one_time_codes';
export const ONE_TIME_CODE_FAILURES_COLLECTION = 'one_time_code_failures';

/**
 * How long failure documents outlive their window before the sweep (or a TTL index) may delete
 * them. While the newest failure of a key is still on disk, the next window continues its
 * numbering; if it were deleted the moment its window ended, a call that read it just before
 * and one that read the empty collection just after would both open a window and one failure
 * would go uncounted.
 */
export const FAILURE_RETENTION_MS = 5 * 60_000;

/** Each attempt loses only to a racer that took a slot, so this bounds the concurrent callers. */
const MAX_FAILURE_ATTEMPTS = 100;

interface CodeDocument {
  /** The key. */
  _id: string;
  codeHash: string;
  target: string;
  expiresAt: Date;
  rev: string;
}

interface FailureDocument {
  /** `${key}:${n}` */
  _id: string;
  key: string;
  n: number;
  /** The n of the first failure of this failure's window. */
  first: number;
  /** The window lasts `windowSeconds` from its first failure. */
  windowEndsAt: Date;
  /** windowEndsAt + FAILURE_RETENTION_MS: when the document may be deleted. */
  expiresAt: Date;
}

export class MongoOneTimeCodes implements OneTimeCodeRepository {
  readonly #codes: mongoose.mongo.Collection<CodeDocument>;
  readonly #failures: mongoose.mongo.Collection<FailureDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#codes = db.collection<CodeDocument>(ONE_TIME_CODES_COLLECTION);
    this.#failures = db.collection<FailureDocument>(ONE_TIME_CODE_FAILURES_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#codes);
    await this.#failures.createIndex({ key: 1, n: -1 });
    await ttl.ensure(this.#failures);
  }

  issue(code: OneTimeCode): Promise<void> {
    return guard(async () => {
      const document: Omit<CodeDocument, '_id'> = {
        codeHash: code.codeHash,
        target: code.target,
        expiresAt: code.expiresAt,
        rev: randomUUID(),
      };
      await replaceUpserting(this.#codes, code.key, document);
    });
  }

  find(key: string): Promise<OneTimeCode | undefined> {
    return guard(async () => {
      const document = await this.#liveCode(key);
      return document ? { key, codeHash: document.codeHash, target: document.target, expiresAt: document.expiresAt } : undefined;
    });
  }

  consume(key: string, codeHash: string): Promise<boolean> {
    return guard(async () => {
      const current = await this.#liveCode(key);
      if (!current || !sameHash(current.codeHash, codeHash)) return false;
      return this.#claims.takeVersion(this.#codes, key, current.rev, current.expiresAt);
    });
  }

  #liveCode(key: string): Promise<CodeDocument | null> {
    return this.#codes.findOne({ _id: key, ...liveFilter(this.#now()) });
  }

  recordFailure(key: string, windowSeconds: number): Promise<number> {
    return guard(async () => {
      assertWindowSeconds(windowSeconds);
      for (let attempt = 1; ; attempt += 1) {
        const now = this.#now();
        const latest = await this.#latestFailure(key);
        const n = latest ? latest.n + 1 : 1;
        const failureWindow = latest && latest.windowEndsAt.getTime() > now
          ? { first: latest.first, windowEndsAt: latest.windowEndsAt }
          : { first: n, windowEndsAt: new Date(now + windowSeconds * 1000) };
        try {
          await this.#failures.insertOne({
            _id: `${key}:${n}`,
            key,
            n,
            ...failureWindow,
            expiresAt: new Date(failureWindow.windowEndsAt.getTime() + FAILURE_RETENTION_MS),
          });
          return n - failureWindow.first + 1;
        } catch (err) {
          // Another caller took slot n; read again and try the next one.
          if (!isDuplicateKeyError(err) || attempt >= MAX_FAILURE_ATTEMPTS) throw err;
        }
      }
    });
  }

  failures(key: string): Promise<number> {
    return guard(async () => {
      const latest = await this.#latestFailure(key);
      return latest && latest.windowEndsAt.getTime() > this.#now() ? latest.n - latest.first + 1 : 0;
    });
  }

  #latestFailure(key: string): Promise<FailureDocument | null> {
    return this.#failures.find({ key }).sort({ n: -1 }).limit(1).next();
  }
}
