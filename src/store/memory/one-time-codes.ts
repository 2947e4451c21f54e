// One-time codes in memory. Every method checks and writes with no await in between, so within
// the process they are atomic.
import type { OneTimeCode, OneTimeCodeRepository } from '../types.ts';
import { sameHash } from '../arguments.ts';
import { footprintOf, type Footprint } from './footprint.ts';

function copyCode(code: OneTimeCode): OneTimeCode {
  return { key: code.key, codeHash: code.codeHash, target: code.target, expiresAt: new Date(code.expiresAt) };
}

export class MemoryOneTimeCodes implements OneTimeCodeRepository {
  readonly #now: () => number;
  readonly #codes = new Map<string, OneTimeCode>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async issue(code: OneTimeCode): Promise<void> {
    this.#codes.set(code.key, copyCode(code));
  }

  async find(key: string): Promise<OneTimeCode | undefined> {
    const code = this.#live(key);
    return code ? copyCode(code) : undefined;
  }

  async consume(key: string, codeHash: string): Promise<boolean> {
    const code = this.#live(key);
    if (!code || !sameHash(code.codeHash, codeHash)) return false;
    this.#codes.delete(key);
    return true;
  }

  #live(key: string): OneTimeCode | undefined {
    const code = this.#codes.get(key);
    return code && code.expiresAt.getTime() > this.#now() ? code : undefined;
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [key, code] of this.#codes) {
      if (code.expiresAt.getTime() <= now) {
        this.#codes.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  footprint(): Footprint {
    return footprintOf(this.#codes.values());
  }
}
