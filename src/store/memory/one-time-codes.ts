// One-time codes and their failure windows, kept apart so re-issuing a code never resets the
// count. Every method checks and writes with no await in between, so within the process they
// are atomic.
import type { OneTimeCode, OneTimeCodeRepository } from '../types.ts';
import { assertWindowSeconds, sameHash } from '../arguments.ts';

interface FailureWindow {
  count: number;
  /** Epoch milliseconds: `windowSeconds` after the window's first failure. */
  expiresAt: number;
}

function copyCode(code: OneTimeCode): OneTimeCode {
  return { key: code.key, codeHash: code.codeHash, target: code.target, expiresAt: new Date(code.expiresAt) };
}

export class MemoryOneTimeCodes implements OneTimeCodeRepository {
  readonly #now: () => number;
  readonly #codes = new Map<string, OneTimeCode>();
  readonly #failures = new Map<string, FailureWindow>();

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

  async recordFailure(key: string, windowSeconds: number): Promise<number> {
    assertWindowSeconds(windowSeconds);
    const now = this.#now();
    const failureWindow = this.#failures.get(key);
    if (failureWindow && failureWindow.expiresAt > now) {
      failureWindow.count += 1;
      return failureWindow.count;
    }
    this.#failures.set(key, { count: 1, expiresAt: now + windowSeconds * 1000 });
    return 1;
  }

  async failures(key: string): Promise<number> {
    const failureWindow = this.#failures.get(key);
    return failureWindow && failureWindow.expiresAt > this.#now() ? failureWindow.count : 0;
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
    for (const [key, failureWindow] of this.#failures) {
      if (failureWindow.expiresAt <= now) {
        this.#failures.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}
