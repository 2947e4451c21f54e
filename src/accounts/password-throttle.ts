// Password guessing, throttled per address and per source (limits.ts's passwordTries*): slow down
// first (5 tries a minute, 20 an hour), lock out last (100 a day, NIST SP 800-63B-4 §3.2.2), and
// much more per source address than per account, since many people share one (carrier-grade NAT).
//
// - A try is counted before the password is checked (the count is race-safe across processes),
//   so guesses sent all at once cannot test more passwords than the limits allow; a right
//   password then clears the address's counts, so only failures in a row add up.
// - The address is counted as typed, hashed, whether or not it has an account: the refusal and its
//   Retry-After are the same for every address, and tell nothing about accounts.
// - The owner keeps a way in: passkey and push sign-in never look at these counts, and a password
//   reset by e-mail (proving the address) clears them.
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { CountedLimitName } from '../limits/limits.ts';
import { addressSubject, sourceSubject } from '../limits/subjects.ts';
import { SignInThrottledError } from './errors.ts';

const PER_ADDRESS = ['passwordTriesPerAccountMinute', 'passwordTriesPerAccountHour', 'passwordTriesPerAccountDay'] as const satisfies readonly CountedLimitName[];

export class PasswordThrottle {
  readonly #limiter: RateLimiter;

  constructor(limiter: RateLimiter) {
    this.#limiter = limiter;
  }

  /**
   * Counts one password try for `email` from `ip`; throws SignInThrottledError (with the seconds
   * until the refusing limit's window ends) when it is over a limit.
   *
   * The limits are counted one after the other, the source first, then the minute, the hour and
   * the day, and a try refused by one is not counted by the next: a stranger hammering away at a
   * refused minute spends nothing of the owner's hour or day, so reaching the day's cap (the only
   * lock-out) takes at least five hours of steady guessing.
   */
  async count(email: string, ip: string | null): Promise<void> {
    const source = sourceSubject(ip);
    const address = addressSubject(email);
    const counted: Array<[CountedLimitName, string]> = PER_ADDRESS.map((limit) => [limit, address]);
    if (source) counted.unshift(['passwordTriesPerSource', source]);
    for (const [limit, subject] of counted) {
      if ((await this.#limiter.hit(limit, subject)).over) throw new SignInThrottledError(Math.max(1, await this.#limiter.retryAfterSeconds(limit, subject)));
    }
  }

  /** The address proved itself (a right password, a password reset): its counts start over. */
  async clear(email: string): Promise<void> {
    const address = addressSubject(email);
    await Promise.all(PER_ADDRESS.map((limit) => this.#limiter.clear(limit, address)));
  }
}
