// One-time codes: { _id: key, codeHash, target, expiresAt, rev }. consume() is single-winner the
// same way as challenges.take(): read the live code, check the hash, claim its revision in the
// consumptions collection (unique _id insert), and only the claim's winner deletes it.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import type { OneTimeCode, OneTimeCodeRepository } from '../types.ts';
import { guard, replaceUpserting } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';
import { isLive } from './expiry.ts';
import type { TtlIndexes } from './expiry.ts';
import { sameHash } from '../arguments.ts';

export const ONE_TIME_CODES_COLLECTION = 'one_time_codes';

interface CodeDocument {
  /** The key. */
  _id: string;
  codeHash: string;
  target: string;
  expiresAt: Date;
  rev: string;
}

export class MongoOneTimeCodes implements OneTimeCodeRepository {
  readonly #codes: mongoose.mongo.Collection<CodeDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#codes = db.collection<CodeDocument>(ONE_TIME_CODES_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#codes);
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

  async #liveCode(key: string): Promise<CodeDocument | null> {
    const document = await this.#codes.findOne({ _id: key });
    return isLive(document, this.#now()) ? document : null;
  }
}
