// Remembered consents in memory.
import type { ConsentRepository } from '../types.ts';
import { isLive } from './expiry.ts';

export class MemoryConsents implements ConsentRepository {
  readonly #now: () => number;
  /** grantId → expiry in epoch milliseconds, or null for "until forgotten". */
  readonly #remembered = new Map<string, number | null>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async remember(grantId: string, expiresAt: Date | null): Promise<void> {
    this.#remembered.set(grantId, expiresAt === null ? null : expiresAt.getTime());
  }

  async isRemembered(grantId: string): Promise<boolean> {
    return this.#remembered.has(grantId) && isLive(this.#remembered.get(grantId), this.#now());
  }

  async forget(grantId: string): Promise<void> {
    this.#remembered.delete(grantId);
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [grantId, expiresAt] of this.#remembered) {
      if (!isLive(expiresAt, now)) {
        this.#remembered.delete(grantId);
        removed += 1;
      }
    }
    return removed;
  }
}
