// Enrolment tickets in memory. use() checks and deletes with no await in between, so within the
// process exactly one caller uses a ticket.
import { DuplicateKeyError } from '../errors.ts';
import type { EnrolmentTicket, EnrolmentTicketRepository } from '../types.ts';
import { copyRecord } from '../copy.ts';

export class MemoryEnrolmentTickets implements EnrolmentTicketRepository {
  readonly #now: () => number;
  readonly #byId = new Map<string, EnrolmentTicket>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async create(ticket: EnrolmentTicket): Promise<void> {
    if (this.#byId.has(ticket.id)) throw new DuplicateKeyError('id');
    this.#byId.set(ticket.id, copyRecord(ticket));
  }

  #live(id: string): EnrolmentTicket | undefined {
    const ticket = this.#byId.get(id);
    return ticket && ticket.expiresAt.getTime() > this.#now() ? ticket : undefined;
  }

  async find(id: string): Promise<EnrolmentTicket | undefined> {
    const ticket = this.#live(id);
    return ticket ? copyRecord(ticket) : undefined;
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
