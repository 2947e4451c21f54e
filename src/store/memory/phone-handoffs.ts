// Phone set-up hand-offs in memory. claim(), complete() and refuse() check and write with no await in
// between, so within the process exactly one caller wins each.
import { DuplicateKeyError } from '../errors.ts';
import type { PhoneHandoff, PhoneHandoffRepository } from '../types.ts';
import { copyRecord } from '../copy.ts';
import { footprintOf, type Footprint } from './footprint.ts';

export class MemoryPhoneHandoffs implements PhoneHandoffRepository {
  readonly #now: () => number;
  readonly #byId = new Map<string, PhoneHandoff>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async create(handoff: PhoneHandoff): Promise<void> {
    if (this.#byId.has(handoff.id)) throw new DuplicateKeyError('id');
    for (const other of this.#byId.values()) {
      if (other.codeHash === handoff.codeHash) throw new DuplicateKeyError('codeHash');
    }
    this.#byId.set(handoff.id, copyRecord(handoff));
  }

  #live(id: string): PhoneHandoff | undefined {
    const handoff = this.#byId.get(id);
    return handoff && handoff.expiresAt.getTime() > this.#now() ? handoff : undefined;
  }

  async find(id: string): Promise<PhoneHandoff | undefined> {
    const handoff = this.#live(id);
    return handoff ? copyRecord(handoff) : undefined;
  }

  async findWaitingByCode(codeHash: string): Promise<PhoneHandoff | undefined> {
    for (const handoff of this.#byId.values()) {
      if (handoff.codeHash === codeHash && handoff.status === 'waiting' && this.#live(handoff.id)) return copyRecord(handoff);
    }
    return undefined;
  }

  async claim(id: string, claim: { phoneKeyHash: string; enrolmentTicketId: string }): Promise<boolean> {
    const handoff = this.#live(id);
    if (handoff?.status !== 'waiting') return false;
    handoff.status = 'claimed';
    handoff.phoneKeyHash = claim.phoneKeyHash;
    handoff.enrolmentTicketId = claim.enrolmentTicketId;
    return true;
  }

  async complete(id: string, phoneKeyHash: string, deviceName: string, keepUntil: Date): Promise<boolean> {
    const handoff = this.#live(id);
    if (handoff?.status !== 'claimed' || handoff.phoneKeyHash !== phoneKeyHash) return false;
    handoff.status = 'completed';
    handoff.deviceName = deviceName;
    handoff.expiresAt = new Date(Math.max(handoff.expiresAt.getTime(), keepUntil.getTime()));
    return true;
  }

  async refuse(id: string, phoneKeyHash: string, keepUntil: Date): Promise<boolean> {
    const handoff = this.#live(id);
    if (handoff?.status !== 'claimed' || handoff.phoneKeyHash !== phoneKeyHash) return false;
    handoff.status = 'refused';
    handoff.expiresAt = new Date(Math.max(handoff.expiresAt.getTime(), keepUntil.getTime()));
    return true;
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [id, handoff] of this.#byId) {
      if (handoff.expiresAt.getTime() <= now) {
        this.#byId.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  footprint(): Footprint {
    return footprintOf(this.#byId.values());
  }
}
