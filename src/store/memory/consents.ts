// Remembered consents in memory, per account and partner.
import type { ConsentRepository, RememberedConsent } from '../types.ts';
import { isLive } from './expiry.ts';
import { copyRecord } from '../copy.ts';
import { footprintOf, type Footprint } from './footprint.ts';

const keyOf = (accountId: string, clientId: string): string => `${accountId}\u0000${clientId}`;

export class MemoryConsents implements ConsentRepository {
  readonly #now: () => number;
  readonly #remembered = new Map<string, RememberedConsent>();

  constructor(now: () => number) {
    this.#now = now;
  }

  #live(consent: RememberedConsent | undefined, now = this.#now()): consent is RememberedConsent {
    return consent !== undefined && isLive(consent.expiresAt?.getTime() ?? null, now);
  }

  async remember(consent: RememberedConsent): Promise<void> {
    this.#remembered.set(keyOf(consent.accountId, consent.clientId), copyRecord(consent));
  }

  async find(accountId: string, clientId: string): Promise<RememberedConsent | undefined> {
    const consent = this.#remembered.get(keyOf(accountId, clientId));
    return this.#live(consent) ? copyRecord(consent) : undefined;
  }

  async listByAccount(accountId: string): Promise<RememberedConsent[]> {
    const now = this.#now();
    return [...this.#remembered.values()].filter((c) => c.accountId === accountId && this.#live(c, now)).map((c) => copyRecord(c));
  }

  async forget(accountId: string, clientId: string): Promise<void> {
    this.#remembered.delete(keyOf(accountId, clientId));
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [key, consent] of this.#remembered) {
      if (!this.#live(consent, now)) {
        this.#remembered.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  footprint(): Footprint {
    return footprintOf(this.#remembered.values());
  }
}
