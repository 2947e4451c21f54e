// Remembered consents, one document per account and partner: { _id: "<accountId>:<clientId>",
// accountId, clientId, scope, claims, rememberedAt, expiresAt }. The _id is the lookup key, so a
// sign-in's lookup is a read by _id (the one filter FerretDB 1.x pushes down to its backend);
// expiry is checked after the read. Account ids are UUIDs, so the first ":" splits the key.
// (Until 2026-12 remembered consents were kept per grant in "consents"; those are not read, so
// such a decision is asked once more.)
import type mongoose from 'mongoose';
import type { ConsentRepository, RememberedConsent } from '../types.ts';
import { guard, replaceUpserting } from './connection.ts';
import type { TtlIndexes } from './expiry.ts';

export const CONSENTS_COLLECTION = 'remembered_consents';

interface ConsentDocument extends RememberedConsent {
  _id: string;
}

const idOf = (accountId: string, clientId: string): string => `${accountId}:${clientId}`;

function live(document: ConsentDocument | null, now: number): document is ConsentDocument {
  return document !== null && (document.expiresAt === null || document.expiresAt === undefined || document.expiresAt.getTime() > now);
}

function consentOf({ _id: _key, ...consent }: ConsentDocument): RememberedConsent {
  return consent;
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
    await this.#collection.createIndex({ accountId: 1 });
  }

  remember(consent: RememberedConsent): Promise<void> {
    return guard(async () => {
      // The latest decision wins, whole; usually the first one, inserted (the cheap write on FerretDB).
      await replaceUpserting(this.#collection, idOf(consent.accountId, consent.clientId), consent);
    });
  }

  find(accountId: string, clientId: string): Promise<RememberedConsent | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: idOf(accountId, clientId) });
      return live(document, this.#now()) ? consentOf(document) : undefined;
    });
  }

  listByAccount(accountId: string): Promise<RememberedConsent[]> {
    return guard(async () => {
      const now = this.#now();
      const documents = await this.#collection.find({ accountId }).toArray();
      return documents.filter((d) => live(d, now)).map(consentOf);
    });
  }

  forget(accountId: string, clientId: string): Promise<void> {
    return guard(async () => {
      await this.#collection.deleteOne({ _id: idOf(accountId, clientId) });
    });
  }
}
