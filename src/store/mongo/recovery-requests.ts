// Lost-phone recovery requests: { _id: id, accountId, accountHint, contactEmail, contactMobile,
// message, ip, userAgent, status, createdAt, decidedAt, decidedBy, decisionNote, enrolmentSentTo,
// completedAt, enrolment, completion, rev }. Kept for good (operators review them), so never swept.
//
// transition() must move a request out of `from` for exactly one caller. FerretDB applies a
// conditional update ({ status: from }) as read-then-write, so several racers would "win"; so
// transition() reads the request, checks its status, and writes through
// ConsumptionClaims.updateVersion: only the caller that claims the revision it read writes.
import { randomUUID } from 'node:crypto';
import type mongoose from 'mongoose';
import { assertLimit } from '../arguments.ts';
import type { RecoveryCompletion, RecoveryEnrolment, RecoveryRequest, RecoveryRequestRepository, RecoveryStatus, RecoveryTransition } from '../types.ts';
import { guard, insertUnique } from './connection.ts';
import type { ConsumptionClaims } from './consumptions.ts';

export const RECOVERY_REQUESTS_COLLECTION = 'recovery_requests';

type RecoveryRequestDocument = Omit<RecoveryRequest, 'id' | 'enrolment' | 'completion'> & {
  _id: string;
  /** Absent on requests stored before the request kept its own enrolment and clean-up. */
  enrolment?: RecoveryEnrolment | null;
  completion?: RecoveryCompletion | null;
  /** Changes on every transition, so a claim names exactly the version that was read. */
  rev: string;
};

const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

const date = (value: Date | null | undefined): Date | null => (value ? new Date(value) : null);

function toRequest(document: RecoveryRequestDocument): RecoveryRequest {
  return {
    id: document._id,
    accountId: document.accountId ?? null,
    accountHint: document.accountHint,
    contactEmail: document.contactEmail,
    contactMobile: document.contactMobile,
    message: document.message,
    ip: document.ip ?? null,
    userAgent: document.userAgent ?? null,
    status: document.status,
    createdAt: new Date(document.createdAt),
    decidedAt: date(document.decidedAt),
    decidedBy: document.decidedBy ?? null,
    decisionNote: document.decisionNote ?? '',
    enrolmentSentTo: document.enrolmentSentTo ?? null,
    completedAt: date(document.completedAt),
    // Requests stored before these fields existed read as not enrolled, no clean-up yet.
    enrolment: document.enrolment ? { at: new Date(document.enrolment.at), credentialId: document.enrolment.credentialId } : null,
    completion: document.completion ? { ...document.completion, at: new Date(document.completion.at), failedSteps: [...document.completion.failedSteps] } : null,
  };
}

/** The fields a transition writes, as in the memory store. */
function transitionChanges(transition: RecoveryTransition): Partial<RecoveryRequestDocument> {
  const changes: Partial<RecoveryRequestDocument> = { status: transition.status };
  if (transition.status === 'completed') {
    changes.completedAt = new Date(transition.at);
  } else {
    changes.decidedAt = new Date(transition.at);
    changes.decidedBy = transition.by ?? null;
    changes.decisionNote = transition.note ?? '';
  }
  if (transition.enrolmentSentTo !== undefined) changes.enrolmentSentTo = transition.enrolmentSentTo;
  return changes;
}

export class MongoRecoveryRequests implements RecoveryRequestRepository {
  readonly #collection: mongoose.mongo.Collection<RecoveryRequestDocument>;
  readonly #claims: ConsumptionClaims;
  readonly #now: () => number;

  constructor(db: mongoose.mongo.Db, claims: ConsumptionClaims, now: () => number) {
    this.#collection = db.collection<RecoveryRequestDocument>(RECOVERY_REQUESTS_COLLECTION);
    this.#claims = claims;
    this.#now = now;
  }

  async ensureIndexes(): Promise<void> {
    // list(), all or of one status, newest first.
    await this.#collection.createIndex(NEWEST_FIRST);
    await this.#collection.createIndex({ status: 1, ...NEWEST_FIRST });
  }

  create(request: RecoveryRequest): Promise<void> {
    return guard(async () => {
      const { id, ...fields } = request;
      const document: RecoveryRequestDocument = {
        _id: id,
        ...fields,
        createdAt: new Date(fields.createdAt),
        decidedAt: date(fields.decidedAt),
        completedAt: date(fields.completedAt),
        rev: randomUUID(),
      };
      await insertUnique(this.#collection, document, 'id');
    });
  }

  findById(id: string): Promise<RecoveryRequest | undefined> {
    return guard(async () => {
      const document = await this.#collection.findOne({ _id: id });
      return document ? toRequest(document) : undefined;
    });
  }

  list(options: { status?: RecoveryStatus; limit: number }): Promise<RecoveryRequest[]> {
    return guard(async () => {
      assertLimit(options.limit);
      const filter = options.status === undefined ? {} : { status: options.status };
      const documents = await this.#collection.find(filter).sort(NEWEST_FIRST).limit(options.limit).toArray();
      return documents.map(toRequest);
    });
  }

  recordEnrolment(id: string, enrolment: RecoveryEnrolment): Promise<void> {
    return guard(async () => {
      await this.#collection.updateOne({ _id: id }, { $set: { enrolment: { at: new Date(enrolment.at), credentialId: enrolment.credentialId } } });
    });
  }

  recordCompletion(id: string, completion: RecoveryCompletion): Promise<void> {
    return guard(async () => {
      await this.#collection.updateOne({ _id: id }, { $set: { completion: { ...completion, at: new Date(completion.at), failedSteps: [...completion.failedSteps] } } });
    });
  }

  transition(id: string, from: RecoveryStatus, transition: RecoveryTransition): Promise<RecoveryRequest | undefined> {
    return guard(async () => {
      const current = await this.#collection.findOne({ _id: id });
      if (!current || current.status !== from) return undefined;
      const changes = transitionChanges(transition);
      const rev = await this.#claims.updateVersion(this.#collection, id, current.rev, changes, this.#now());
      // No rev: another caller claimed the version we read (and moves it out of `from`), or it is gone.
      return rev === undefined ? undefined : toRequest({ ...current, ...changes, rev });
    });
  }
}
