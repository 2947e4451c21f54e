// Recovery requests and enrolment tickets in memory. Each check-and-write has no await in
// between, so within the process exactly one caller wins a transition or uses a ticket.
import { DuplicateKeyError } from '../errors.ts';
import { assertLimit } from '../arguments.ts';
import type {
  EnrolmentTicket,
  EnrolmentTicketRepository,
  RecoveryRequest,
  RecoveryRequestRepository,
  RecoveryStatus,
  RecoveryTransition,
} from '../types.ts';

const copyRequest = (request: RecoveryRequest): RecoveryRequest => structuredClone(request);

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

export class MemoryEnrolmentTickets implements EnrolmentTicketRepository {
  readonly #now: () => number;
  readonly #byId = new Map<string, EnrolmentTicket>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async create(ticket: EnrolmentTicket): Promise<void> {
    if (this.#byId.has(ticket.id)) throw new DuplicateKeyError('id');
    this.#byId.set(ticket.id, structuredClone(ticket));
  }

  #live(id: string): EnrolmentTicket | undefined {
    const ticket = this.#byId.get(id);
    return ticket && ticket.expiresAt.getTime() > this.#now() ? ticket : undefined;
  }

  async find(id: string): Promise<EnrolmentTicket | undefined> {
    const ticket = this.#live(id);
    return ticket ? structuredClone(ticket) : undefined;
  }

  async use(id: string): Promise<boolean> {
    if (!this.#live(id)) return false;
    this.#byId.delete(id);
    return true;
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [id, ticket] of this.#byId) {
      if (ticket.expiresAt.getTime() <= now) {
        this.#byId.delete(id);
        removed += 1;
      }
    }
    return removed;
  }
}
