// One-time enrolment tickets: { _id: id, secretHash, accountId, purpose, recoveryRequestId, sentTo,
// createdAt, expiresAt, rev }. Expiry is checked on every read; sweepExpired() (or a TTL index
// where the server has one) deletes expired tickets.
//
// use() must succeed for exactly one caller, and FerretDB's conditional delete is a read followed
// by a delete (several racers "win"). So use() reads the live ticket and then claims its revision
// in the consumptions collection (unique _id insert, atomic on every server); only the claim's
// winner deletes it and gets true.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import type { EnrolmentTicket, EnrolmentTicketRepository } from '../types.ts';
import { guard, insertUnique } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';
import { isLive } from './expiry.ts';
import type { TtlIndexes } from './expiry.ts';

export const ENROLMENT_TICKETS_COLLECTION = 'enrolment_tickets';

type TicketDocument = Omit<EnrolmentTicket, 'id'> & {
  _id: string;
  /** Set once at creation, so a use claim names this ticket and not an id reused later. */
  rev: string;
};

function toTicket(document: TicketDocument): EnrolmentTicket {
  return {
    id: document._id,
    secretHash: document.secretHash,
    accountId: document.accountId,
    purpose: document.purpose,
    recoveryRequestId: document.recoveryRequestId ?? null,
    sentTo: document.sentTo ?? null,
    createdAt: new Date(document.createdAt),
    expiresAt: new Date(document.expiresAt),
  };
}

export class MongoEnrolmentTickets implements EnrolmentTicketRepository {
  readonly #collection: mongoose.mongo.Collection<TicketDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#collection = db.collection<TicketDocument>(ENROLMENT_TICKETS_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    await ttl.ensure(this.#collection);
  }

  create(ticket: EnrolmentTicket): Promise<void> {
    return guard(async () => {
      const { id, ...fields } = ticket;
      const document: TicketDocument = {
        _id: id,
        ...fields,
        createdAt: new Date(fields.createdAt),
        expiresAt: new Date(fields.expiresAt),
        rev: randomUUID(),
      };
      await insertUnique(this.#collection, document, 'id');
    });
  }

  find(id: string): Promise<EnrolmentTicket | undefined> {
    return guard(async () => {
      const document = await this.#live(id);
      return document ? toTicket(document) : undefined;
    });
  }

  use(id: string): Promise<boolean> {
    return guard(async () => {
      const current = await this.#live(id);
      if (!current) return false;
      return this.#claims.takeVersion(this.#collection, id, current.rev, current.expiresAt);
    });
  }

  // By _id alone, expiry checked after the read: see isLive().
  async #live(id: string): Promise<TicketDocument | null> {
    const document = await this.#collection.findOne({ _id: id });
    return isLive(document, this.#now()) ? document : null;
  }
}
