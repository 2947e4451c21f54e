// Rules for one-time codes sent by e-mail or SMS: six random digits, stored only as a hash,
// single-use, short-lived, and a limit on wrong tries per issued code.
//
// Tries are counted per code, not per account: after the limit that one code is used up and the
// owner asks for a new one (how many codes may be sent is each flow's mail or SMS budget). Counting
// per account instead let a stranger who typed five wrong codes lock the owner's reset (or phone
// change) for an hour, again and again. Guessing stays bounded: at most `oneTimeCodeTries` tries per
// code, times the codes the budget lets anyone have sent.
import { createHash, randomInt } from 'node:crypto';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { OneTimeCode, OneTimeCodeRepository } from '../store/types.ts';
import { CodeExpiredError, CodeInvalidError, TooManyAttemptsError } from './errors.ts';

export interface OneTimeCodePolicy {
  ttlSeconds: number;
}

export interface VerifyOptions {
  /**
   * Runs once the code is known to be right, before it is used up: when it throws, the refusal is
   * passed on and the code stays (its try is counted). For a check that costs more than comparing
   * a code, such as the password policy: it runs only for the holder of a right code.
   */
  beforeUse?: () => Promise<void>;
}

function hashOf(key: string, code: string): string {
  // Bound to the key, so a hash is worthless for any other purpose or account.
  return createHash('sha256').update(`${key}\n${code}`).digest('hex');
}

/** Which issued code a try is counted against: one counter per code, never per account. */
function triesSubject(stored: OneTimeCode): string {
  return `${stored.key}:${createHash('sha256').update(stored.codeHash).digest('base64url').slice(0, 16)}`;
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

  /** A new code for `key` (replacing the live one), to be sent to `target` by the caller. */
  async issue(key: string, target: string): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.#codes.issue({ key, codeHash: hashOf(key, code), target, expiresAt: new Date(this.#now() + this.#policy.ttlSeconds * 1000) });
    return code;
  }

  /** Where the live code under `key` was sent, or undefined when there is none. */
  async pendingTarget(key: string): Promise<string | undefined> {
    return (await this.#codes.find(key))?.target;
  }

  /**
   * Uses up the right code under `key` (or under any of `key`'s list, for a flow that keeps a few
   * live codes); returns where it was sent.
   *
   * Every try is counted against each live code before the code is compared (the store's count is
   * race-safe), and a code past its limit is not compared at all: guesses sent all at once cannot
   * test more than the limit allows, as they could if each read the count first and recorded its
   * failure afterwards. So a right code counts as a try too.
   */
  async verify(key: string | readonly string[], code: string, options: VerifyOptions = {}): Promise<string> {
    const keys = typeof key === 'string' ? [key] : key;
    const live = (await Promise.all(keys.map((k) => this.#codes.find(k)))).filter((stored) => stored !== undefined);
    if (live.length === 0) throw new CodeExpiredError();
    const normalised = code.replace(/\s+/g, '');
    const wellFormed = /^\d{6}$/.test(normalised);
    let usable = 0;
    for (const stored of live) {
      const tries = await this.#limiter.hit('oneTimeCodeTries', triesSubject(stored));
      if (tries.over) continue;
      if (!tries.reached) usable += 1;
      if (!wellFormed || !sameCode(stored, normalised)) continue;
      await options.beforeUse?.();
      if (await this.#codes.consume(stored.key, stored.codeHash)) return stored.target;
      // Another request used it first.
      throw new CodeExpiredError();
    }
    // Every live code has had its last try: each must be asked for again.
    if (usable === 0) throw new TooManyAttemptsError();
    throw new CodeInvalidError();
  }
}

function sameCode(stored: OneTimeCode, code: string): boolean {
  return hashOf(stored.key, code) === stored.codeHash;
}
