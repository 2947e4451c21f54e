// Rules for one-time codes sent by e-mail or SMS: six random digits, stored only as a hash,
// single-use, short-lived, and an attempt limit that asking for a new code does not reset.
import { createHash, randomInt } from 'node:crypto';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { OneTimeCodeRepository } from '../store/types.ts';
import { CodeExpiredError, CodeInvalidError, TooManyAttemptsError } from './errors.ts';

export interface OneTimeCodePolicy {
  ttlSeconds: number;
}

function hashOf(key: string, code: string): string {
  // Bound to the key, so a hash is worthless for any other purpose or account.
  return createHash('sha256').update(`${key}\n${code}`).digest('hex');
}

export class OneTimeCodeService {
  readonly #codes: OneTimeCodeRepository;
  /** Tries are limited by limits.ts's oneTimeCodeTries. */
  readonly #limiter: RateLimiter;
  readonly #policy: OneTimeCodePolicy;
  readonly #now: () => number;

  constructor(codes: OneTimeCodeRepository, limiter: RateLimiter, policy: OneTimeCodePolicy, now: () => number = Date.now) {
    this.#codes = codes;
    this.#limiter = limiter;
    this.#policy = policy;
    this.#now = now;
  }

  get ttlMinutes(): number {
    return Math.ceil(this.#policy.ttlSeconds / 60);
  }

  /**
   * A new code for `key`, sent to `target` by the caller; refused while locked out. Wrong tries are
   * counted under `attemptsKey`, which may be wider than the code's key (one account's phone
   * change, while each attempt has codes of its own), so a new attempt never resets the count.
   */
  async issue(key: string, target: string, attemptsKey = key): Promise<string> {
    if (await this.#limiter.reached('oneTimeCodeTries', attemptsKey)) throw new TooManyAttemptsError();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.#codes.issue({ key, codeHash: hashOf(key, code), target, expiresAt: new Date(this.#now() + this.#policy.ttlSeconds * 1000) });
    return code;
  }

  /** Where the live code under `key` was sent, or undefined when there is none. */
  async pendingTarget(key: string): Promise<string | undefined> {
    return (await this.#codes.find(key))?.target;
  }

  /**
   * Consumes the code for `key`; returns where it was sent. `attemptsKey` as for issue.
   *
   * Every try is counted before its code is compared (the store's count is race-safe), and a try
   * over the limit is refused untested: guesses sent all at once cannot test more codes than the
   * limit allows, as they could if each read the count first and recorded its failure afterwards.
   * So a right code counts as a try too; the limit is on tries per window.
   */
  async verify(key: string, code: string, attemptsKey = key): Promise<string> {
    if (await this.#limiter.reached('oneTimeCodeTries', attemptsKey)) throw new TooManyAttemptsError();
    const stored = await this.#codes.find(key);
    if (!stored) throw new CodeExpiredError();
    const tries = await this.#limiter.hit('oneTimeCodeTries', attemptsKey);
    if (tries.over) throw new TooManyAttemptsError();
    const normalised = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(normalised) && await this.#codes.consume(key, hashOf(key, normalised))) return stored.target;
    if (tries.reached) throw new TooManyAttemptsError();
    throw new CodeInvalidError();
  }
}
