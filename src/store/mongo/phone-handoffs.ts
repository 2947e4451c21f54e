// Phone set-up hand-offs: { _id: id, codeHash (unique), accountId, pcSessionUid, status,
// phoneKeyHash, enrolmentTicketId, deviceName, createdAt, expiresAt }. Expiry is checked on every
// read; sweepExpired() (or a TTL index where the server has one) deletes expired hand-offs.
//
// claim() and complete()/refuse() must each succeed for exactly one caller, and FerretDB's conditional update
// is a read followed by a write (several racers "win"). So each reads the live hand-off, then claims
// that step for it in the consumptions collection (unique _id insert, atomic on every server); only
// the claim's winner writes the new status and gets true.
import type mongoose from 'mongoose';
import { DuplicateKeyError } from '../errors.ts';
import type { PhoneHandoff, PhoneHandoffRepository } from '../types.ts';
import { guard, insertUnique } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';
import type { TtlIndexes } from './expiry.ts';

export const PHONE_HANDOFFS_COLLECTION = 'phone_handoffs';

type HandoffDocument = Omit<PhoneHandoff, 'id'> & { _id: string };

function toHandoff(document: HandoffDocument): PhoneHandoff {
  return {
    id: document._id,
    codeHash: document.codeHash,
    accountId: document.accountId,
    pcSessionUid: document.pcSessionUid,
    status: document.status,
    phoneKeyHash: document.phoneKeyHash ?? null,
    enrolmentTicketId: document.enrolmentTicketId ?? null,
    deviceName: document.deviceName ?? null,
    createdAt: new Date(document.createdAt),
    expiresAt: new Date(document.expiresAt),
  };
}

export class MongoPhoneHandoffs implements PhoneHandoffRepository {
  readonly #collection: mongoose.mongo.Collection<HandoffDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#collection = db.collection<HandoffDocument>(PHONE_HANDOFFS_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#collection);
    await this.#collection.createIndex({ codeHash: 1 }, { unique: true });
  }

  create(handoff: PhoneHandoff): Promise<void> {
    return guard(async () => {
      const { id, ...fields } = handoff;
      // The id first: a clash of ids and of codes must say which (the codeHash index says 'codeHash').
      if (await this.#collection.findOne({ _id: id }, { projection: { _id: 1 } })) throw new DuplicateKeyError('id');
      await insertUnique(this.#collection, { _id: id, ...fields, createdAt: new Date(fields.createdAt), expiresAt: new Date(fields.expiresAt) }, 'codeHash');
    });
  }

  find(id: string): Promise<PhoneHandoff | undefined> {
    return guard(async () => {
      const document = await this.#live({ _id: id });
      return document ? toHandoff(document) : undefined;
    });
  }

  findWaitingByCode(codeHash: string): Promise<PhoneHandoff | undefined> {
    return guard(async () => {
      const document = await this.#live({ codeHash, status: 'waiting' });
      return document ? toHandoff(document) : undefined;
    });
  }

  claim(id: string, claim: { phoneKeyHash: string; enrolmentTicketId: string }): Promise<boolean> {
    return guard(async () => {
      const current = await this.#live({ _id: id, status: 'waiting' });
      if (!current) return false;
      if (!await this.#claims.claim(`${PHONE_HANDOFFS_COLLECTION}:${id}:claimed`, current.expiresAt)) return false;
      const { modifiedCount } = await this.#collection.updateOne({ _id: id, status: 'waiting' }, { $set: { status: 'claimed', phoneKeyHash: claim.phoneKeyHash, enrolmentTicketId: claim.enrolmentTicketId } });
      return modifiedCount > 0;
    });
  }

  complete(id: string, phoneKeyHash: string, deviceName: string, keepUntil: Date): Promise<boolean> {
    return guard(async () => {
      const current = await this.#live({ _id: id, status: 'claimed', phoneKeyHash });
      if (!current) return false;
      const expiresAt = new Date(Math.max(new Date(current.expiresAt).getTime(), keepUntil.getTime()));
      if (!await this.#claims.claim(`${PHONE_HANDOFFS_COLLECTION}:${id}:completed`, expiresAt)) return false;
      const { modifiedCount } = await this.#collection.updateOne({ _id: id, status: 'claimed', phoneKeyHash }, { $set: { status: 'completed', deviceName, expiresAt } });
      return modifiedCount > 0;
    });
  }

  refuse(id: string, phoneKeyHash: string, keepUntil: Date): Promise<boolean> {
    return guard(async () => {
      const current = await this.#live({ _id: id, status: 'claimed', phoneKeyHash });
      if (!current) return false;
      const expiresAt = new Date(Math.max(new Date(current.expiresAt).getTime(), keepUntil.getTime()));
      // The same claim as complete(): a claimed hand-off ends once, whichever comes first.
      if (!await this.#claims.claim(`${PHONE_HANDOFFS_COLLECTION}:${id}:completed`, expiresAt)) return false;
      const { modifiedCount } = await this.#collection.updateOne({ _id: id, status: 'claimed', phoneKeyHash }, { $set: { status: 'refused', expiresAt } });
      return modifiedCount > 0;
    });
  }

  #live(filter: mongoose.mongo.Filter<HandoffDocument>): Promise<HandoffDocument | null> {
    return this.#collection.findOne({ ...filter, expiresAt: { $gt: new Date(this.#now()) } });
  }
}
