// WebAuthn challenges: { _id: key, challenge, accountId, expiresAt, rev }.
//
// take() must hand a challenge to exactly one caller, and FerretDB's findOneAndDelete is a read
// followed by a delete (several racers get the document). So take() reads the live challenge and
// then claims its revision in the consumptions collection (a unique _id insert, atomic on every
// server): only the claim's winner deletes and returns it. `rev` changes on every put(), so a
// challenge put again under the same key is a new thing to take.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import type { ChallengeRepository, StoredChallenge } from '../types.ts';
import { guard, replaceUpserting } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';
import { isLive } from './expiry.ts';
import type { TtlIndexes } from './expiry.ts';

export const CHALLENGES_COLLECTION = 'challenges';

interface ChallengeDocument {
  /** The key. */
  _id: string;
  challenge: string;
  accountId: string | null;
  expiresAt: Date;
  rev: string;
}

export class MongoChallenges implements ChallengeRepository {
  readonly #collection: mongoose.mongo.Collection<ChallengeDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#collection = db.collection<ChallengeDocument>(CHALLENGES_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#collection);
  }

  put(challenge: StoredChallenge): Promise<void> {
    return guard(async () => {
      const document: Omit<ChallengeDocument, '_id'> = {
        challenge: challenge.challenge,
        accountId: challenge.accountId,
        expiresAt: challenge.expiresAt,
        rev: randomUUID(),
      };
      await replaceUpserting(this.#collection, challenge.key, document);
    });
  }

  take(key: string): Promise<StoredChallenge | undefined> {
    return guard(async () => {
      const current = await this.#collection.findOne({ _id: key });
      if (!current || !isLive(current, this.#now())) return undefined;
      if (!await this.#claims.takeVersion(this.#collection, key, current.rev, current.expiresAt)) return undefined;
      return { key, challenge: current.challenge, accountId: current.accountId ?? null, expiresAt: current.expiresAt };
    });
  }
}
