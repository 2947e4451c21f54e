// Push sign-in approvals: { _id: id, accountId, origin, matching, number,
// choices, context, status, createdAt, liveUntil, decidedAt, decidedBy, userVerified, rev,
// expiresAt }.
//
// `liveUntil` is the approval's own expiresAt: from then on it reads as undefined. The document's
// `expiresAt`, the field the sweep and TTL indexes go by, is APPROVAL_RETENTION_MS later, so
// the hourly cap (createWithinCaps, countCreatedSince) still counts approvals that expired a moment ago. The
// memory store keeps the same retention.
//
// decide() must move pending → decided for exactly one caller, and FerretDB applies a conditional
// update ({ status: 'pending' }) as read-then-write, so several racers would "win". So decide()
// reads the live pending approval, then claims its revision in the consumptions collection (a
// unique _id insert, atomic on every server); only the claim's winner writes the decision, with a
// filter on the revision it read, and returns the decided approval.
//
// createWithinCaps() cannot count and insert in one atomic step (no multi-document condition), so
// it inserts first and counts after: every racer counts every racer that inserted before it, so the
// last to count sees them all, and one that finds the account over a cap deletes its own approval
// and is refused. Racers for the last place may all be refused; the cap is never exceeded.
//
// `context` is a schemaless string map and goes through the codec, so keys with '.' or a leading
// '$' are stored too.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import type { Approval, ApprovalCaps, ApprovalDecision, ApprovalRepository, CappedCreation } from '../types.ts';
import { decode, encode } from './codec.ts';
import { guard, insertUnique } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';
import type { TtlIndexes } from './expiry.ts';
import { APPROVAL_RETENTION_MS, assertDecisionStatus } from '../arguments.ts';

export const APPROVALS_COLLECTION = 'approvals';

type ApprovalDocument = Omit<Approval, 'id' | 'expiresAt' | 'origin'> & {
  _id: string;
  /** Absent only on documents from before it (see interactionUid below). */
  origin?: Approval['origin'];
  /** The approval's expiresAt. */
  liveUntil: Date;
  /** liveUntil + APPROVAL_RETENTION_MS: when the document may be deleted. */
  expiresAt: Date;
  /** Changes on every write, so a claim names exactly the version that was read. */
  rev: string;
  /** Before `origin`: approvals written by an older version, still live for a few minutes after an upgrade. */
  interactionUid?: string;
  browserHash?: string;
};

const LEGACY_CIBA_PREFIX = 'ciba:';

function originOf(document: ApprovalDocument): Approval['origin'] {
  if (document.origin) return { ...document.origin };
  const uid = document.interactionUid ?? '';
  return uid.startsWith(LEGACY_CIBA_PREFIX)
    ? { kind: 'ciba', authReqId: uid.slice(LEGACY_CIBA_PREFIX.length) }
    : { kind: 'browser', interactionUid: uid, browserHash: document.browserHash ?? '' };
}

function toApproval(document: ApprovalDocument): Approval {
  return {
    id: document._id,
    accountId: document.accountId,
    origin: originOf(document),
    matching: document.matching,
    number: document.number,
    choices: [...document.choices],
    context: decode(document.context) as Record<string, string>,
    status: document.status,
    createdAt: document.createdAt,
    expiresAt: document.liveUntil,
    decidedAt: document.decidedAt ?? null,
    decidedBy: document.decidedBy ?? null,
    userVerified: document.userVerified,
  };
}

const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

export class MongoApprovals implements ApprovalRepository {
  readonly #collection: mongoose.mongo.Collection<ApprovalDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#collection = db.collection<ApprovalDocument>(APPROVALS_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async ensureIndexes(ttl: TtlIndexes): Promise<void> {
    // listPending (newest first), and the counts of createWithinCaps and countCreatedSince.
    await this.#collection.createIndex({ accountId: 1, ...NEWEST_FIRST });
    await ttl.ensure(this.#collection);
  }

  create(approval: Approval): Promise<void> {
    return guard(() => this.#insert(approval));
  }

  createWithinCaps(approval: Approval, caps: ApprovalCaps): Promise<CappedCreation> {
    return guard(async () => {
      await this.#insert(approval);
      const { accountId } = approval;
      const [pending, since] = await Promise.all([
        this.#collection.countDocuments({ accountId, status: 'pending', liveUntil: { $gt: new Date(this.#now()) } }),
        this.#collection.countDocuments({ accountId, createdAt: { $gte: caps.since } }),
      ]);
      const refusal: CappedCreation | undefined = pending > caps.maxPending ? 'too_many_pending' : since > caps.maxSince ? 'too_many_since' : undefined;
      if (!refusal) return 'created';
      await this.#collection.deleteOne({ _id: approval.id });
      return refusal;
    });
  }

  async #insert(approval: Approval): Promise<void> {
    const document: ApprovalDocument = {
      _id: approval.id,
      accountId: approval.accountId,
      origin: { ...approval.origin },
      matching: approval.matching,
      number: approval.number,
      choices: [...approval.choices],
      context: encode(approval.context) as Record<string, string>,
      status: approval.status,
      createdAt: approval.createdAt,
      liveUntil: approval.expiresAt,
      decidedAt: approval.decidedAt,
      decidedBy: approval.decidedBy,
      userVerified: approval.userVerified,
      rev: randomUUID(),
      expiresAt: new Date(approval.expiresAt.getTime() + APPROVAL_RETENTION_MS),
    };
    await insertUnique(this.#collection, document, 'id');
  }

  find(id: string): Promise<Approval | undefined> {
    return guard(async () => {
      // By _id alone, the rest checked after the read: see isLive() in expiry.ts.
      const document = await this.#collection.findOne({ _id: id });
      return document && document.liveUntil.getTime() > this.#now() ? toApproval(document) : undefined;
    });
  }

  listPending(accountId: string): Promise<Approval[]> {
    return guard(async () => {
      const documents = await this.#collection
        .find({ accountId, status: 'pending', liveUntil: { $gt: new Date(this.#now()) } })
        .sort(NEWEST_FIRST)
        .toArray();
      return documents.map(toApproval);
    });
  }

  pendingAmong(ids: readonly string[]): Promise<Set<string>> {
    return guard(async () => {
      if (ids.length === 0) return new Set<string>();
      // By _id, the rest checked after the read (as find() does); only the fields that decide it.
      const documents = await this.#collection
        .find({ _id: { $in: [...ids] } }, { projection: { _id: 1, status: 1, liveUntil: 1 } })
        .toArray();
      const now = this.#now();
      return new Set(documents.filter((d) => d.status === 'pending' && d.liveUntil.getTime() > now).map((d) => d._id));
    });
  }

  decide(id: string, decision: ApprovalDecision): Promise<Approval | undefined> {
    return guard(async () => {
      assertDecisionStatus(decision.status);
      const current = await this.#collection.findOne({ _id: id });
      if (!current || current.status !== 'pending' || current.liveUntil.getTime() <= this.#now()) return undefined;
      // The claim lives as long as the document, so it is never swept while the version could be read.
      if (!await this.#claims.claim(`${APPROVALS_COLLECTION}:${id}:${current.rev}`, current.expiresAt)) return undefined;
      const decided = {
        status: decision.status,
        decidedAt: decision.at,
        decidedBy: decision.deviceId,
        userVerified: decision.userVerified,
        rev: randomUUID(),
      };
      const { matchedCount } = await this.#collection.updateOne({ _id: id, rev: current.rev }, { $set: decided });
      // Only this caller may write the version it claimed, so a miss means the document went away.
      if (matchedCount === 0) return undefined;
      return toApproval({ ...current, ...decided, decidedAt: new Date(decision.at) });
    });
  }

  complete(id: string): Promise<boolean> {
    return guard(async () => {
      const approved = await this.#collection.findOne({ _id: id, status: 'approved', liveUntil: { $gt: new Date(this.#now()) } });
      // The same single-winner claim as decide(), under a key of its own: once per approval, ever.
      return approved ? this.#claims.claim(`${APPROVALS_COLLECTION}:${id}:completed`, approved.expiresAt) : false;
    });
  }

  countCreatedSince(accountId: string, since: Date): Promise<number> {
    return guard(() => this.#collection.countDocuments({ accountId, createdAt: { $gte: since } }));
  }
}
