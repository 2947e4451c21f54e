// The audit log: { _id: ObjectId, at, type, accountId, actor, ip, userAgent, details }.
// Append-only by construction: this repository has no method that updates or deletes, and the
// collection is not one sweepExpired() touches.
//
// The _id is an ObjectId so that events with the same `at` still list newest first: ObjectIds
// from one process increase with every insert. `details` is schemaless and goes through the codec.
import mongoose from 'mongoose';
import type { AuditEvent, AuditQuery, AuditRepository, NewAuditEvent } from '../types.ts';
import { decode, encode } from './codec.ts';
import { guard } from './connection.ts';
import { assertLimit } from '../arguments.ts';

export const AUDIT_COLLECTION = 'audit_events';

/** An AuditEvent with a server-made ObjectId as _id (its hex string is the event id). */
type AuditDocument = Omit<AuditEvent, 'id'> & { _id: mongoose.mongo.ObjectId };

const NEWEST_FIRST = { at: -1, _id: -1 } as const;

function toEvent(document: AuditDocument): AuditEvent {
  return {
    id: document._id.toHexString(),
    at: document.at,
    type: document.type,
    accountId: document.accountId ?? null,
    actor: document.actor,
    ip: document.ip ?? null,
    userAgent: document.userAgent ?? null,
    details: decode(document.details) as Record<string, unknown>,
  };
}

/** A function rather than a method, so the repository offers nothing but append and the lists. */
export async function ensureAuditIndexes(db: mongoose.mongo.Db): Promise<void> {
  const collection = db.collection<AuditDocument>(AUDIT_COLLECTION);
  await collection.createIndex({ accountId: 1, ...NEWEST_FIRST });
  // An operator's search of one account's events of some types (search()).
  await collection.createIndex({ accountId: 1, type: 1, ...NEWEST_FIRST });
  await collection.createIndex({ type: 1, ...NEWEST_FIRST });
  await collection.createIndex(NEWEST_FIRST);
}

export class MongoAudit implements AuditRepository {
  readonly #collection: mongoose.mongo.Collection<AuditDocument>;

  constructor(db: mongoose.mongo.Db) {
    this.#collection = db.collection<AuditDocument>(AUDIT_COLLECTION);
  }

  append(event: NewAuditEvent): Promise<AuditEvent> {
    return guard(async () => {
      const document: AuditDocument = {
        _id: new mongoose.mongo.ObjectId(),
        at: new Date(event.at),
        type: event.type,
        accountId: event.accountId,
        actor: event.actor,
        ip: event.ip,
        userAgent: event.userAgent,
        details: encode(event.details) as Record<string, unknown>,
      };
      await this.#collection.insertOne(document);
      // Decoded from what was written, so the caller sees exactly what a later list returns.
      return toEvent(document);
    });
  }

  listByAccount(accountId: string, limit: number, types?: readonly string[]): Promise<AuditEvent[]> {
    return this.#list(types === undefined ? { accountId } : { accountId, type: { $in: [...types] } }, limit);
  }

  list(options: { type?: string; limit: number }): Promise<AuditEvent[]> {
    return this.#list(options.type === undefined ? {} : { type: options.type }, options.limit);
  }

  search(query: AuditQuery): Promise<AuditEvent[]> {
    if (query.types?.length === 0) return guard(async () => { assertLimit(query.limit); return []; });
    const conditions: Array<mongoose.mongo.Filter<AuditDocument>> = [];
    if (query.accountId !== undefined) conditions.push({ accountId: query.accountId });
    if (query.types !== undefined) conditions.push({ type: { $in: [...query.types] } });
    if (query.from !== undefined) conditions.push({ at: { $gte: new Date(query.from) } });
    if (query.to !== undefined) conditions.push({ at: { $lt: new Date(query.to) } });
    const { after } = query;
    if (after !== undefined) {
      const at = new Date(after.at);
      // Events of the same time come in _id order; an id this store did not make continues before its time.
      conditions.push(mongoose.mongo.ObjectId.isValid(after.id) && /^[0-9a-f]{24}$/i.test(after.id)
        ? { $or: [{ at: { $lt: at } }, { at, _id: { $lt: new mongoose.mongo.ObjectId(after.id) } }] }
        : { at: { $lt: at } });
    }
    return this.#list(conditions.length === 0 ? {} : { $and: conditions }, query.limit);
  }

  #list(filter: mongoose.mongo.Filter<AuditDocument>, limit: number): Promise<AuditEvent[]> {
    return guard(async () => {
      assertLimit(limit);
      const documents = await this.#collection.find(filter).sort(NEWEST_FIRST).limit(limit).toArray();
      return documents.map(toEvent);
    });
  }
}
