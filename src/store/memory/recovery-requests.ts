// Recovery requests in memory. Each check-and-write has no await in between, so within the
// process exactly one caller wins a transition.
import { DuplicateKeyError } from '../errors.ts';
import { assertLimit } from '../arguments.ts';
import type { RecoveryCompletion, RecoveryEnrolment, RecoveryRequest, RecoveryRequestRepository, RecoveryStatus, RecoveryTransition } from '../types.ts';
import { copyRecord } from '../copy.ts';

const copyRequest = (request: RecoveryRequest): RecoveryRequest => copyRecord(request);

/** Newest first, the id breaking ties (descending) as in the mongo store. */
function newestFirst(a: RecoveryRequest, b: RecoveryRequest): number {
  const diff = b.createdAt.getTime() - a.createdAt.getTime();
  if (diff !== 0) return diff;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

export class MemoryRecoveryRequests implements RecoveryRequestRepository {
  readonly #byId = new Map<string, RecoveryRequest>();

  async create(request: RecoveryRequest): Promise<void> {
    if (this.#byId.has(request.id)) throw new DuplicateKeyError('id');
    this.#byId.set(request.id, copyRequest(request));
  }

  async findById(id: string): Promise<RecoveryRequest | undefined> {
    const request = this.#byId.get(id);
    return request ? copyRequest(request) : undefined;
  }

  async list(options: { status?: RecoveryStatus; limit: number }): Promise<RecoveryRequest[]> {
    assertLimit(options.limit);
    return [...this.#byId.values()]
      .filter((r) => options.status === undefined || r.status === options.status)
      .sort(newestFirst)
      .slice(0, options.limit)
      .map(copyRequest);
  }

  async recordEnrolment(id: string, enrolment: RecoveryEnrolment): Promise<void> {
    const request = this.#byId.get(id);
    if (request) request.enrolment = copyRecord(enrolment);
  }

  async recordCompletion(id: string, completion: RecoveryCompletion): Promise<void> {
    const request = this.#byId.get(id);
    if (request) request.completion = copyRecord(completion);
  }

  async transition(id: string, from: RecoveryStatus, transition: RecoveryTransition): Promise<RecoveryRequest | undefined> {
    const request = this.#byId.get(id);
    if (!request || request.status !== from) return undefined;
    request.status = transition.status;
    if (transition.status === 'completed') {
      request.completedAt = new Date(transition.at);
    } else {
      request.decidedAt = new Date(transition.at);
      request.decidedBy = transition.by ?? null;
      request.decisionNote = transition.note ?? '';
    }
    if (transition.enrolmentSentTo !== undefined) request.enrolmentSentTo = transition.enrolmentSentTo;
    return copyRequest(request);
  }
}
