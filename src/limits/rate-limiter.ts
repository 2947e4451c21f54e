// Counts hits against the limits of limits.ts on the store's windowed counters. Callers count
// first and decide afterwards: the counter is race-safe, so of requests arriving at once exactly
// the first `cap` are within the limit, where reading the count before acting would let them all
// pass together.
import type { CounterRepository } from '../store/ports/counters.ts';
import { LIMITS, amountOf } from './limits.ts';
import type { CountedLimitName, LimitName, LimitSettings } from './limits.ts';

export interface LimitHit {
  /** The count in the current window, this hit included. */
  count: number;
  cap: number;
  /** This hit went past the cap: what it counted must be refused. */
  over: boolean;
  /** With this hit the cap is reached: nothing more is allowed in this window. */
  reached: boolean;
}

/** Told of every counted hit (the metrics count hits within and over each cap). */
export type LimitObserver = (limit: CountedLimitName, hit: LimitHit) => void;

export class RateLimiter {
  readonly #counters: CounterRepository;
  readonly #settings: LimitSettings;
  readonly #now: () => number;
  readonly #observe: LimitObserver | undefined;

  constructor(counters: CounterRepository, settings: LimitSettings, now: () => number = Date.now, observe?: LimitObserver) {
    this.#counters = counters;
    this.#settings = settings;
    this.#now = now;
    this.#observe = observe;
  }

  /** The cap of a limit under the current settings. */
  cap(limit: LimitName): number {
    return amountOf(LIMITS[limit].cap, this.#settings);
  }

  /** Counts one hit of `subject` against the limit. */
  async hit(limit: CountedLimitName, subject: string): Promise<LimitHit> {
    const cap = this.cap(limit);
    const count = await this.#counters.hit(counterKey(limit, subject), amountOf(LIMITS[limit].windowSeconds, this.#settings));
    const hit = { count, cap, over: count > cap, reached: count >= cap };
    this.#observe?.(limit, hit);
    return hit;
  }

  /** Seconds until the current window of `subject` ends (0 when none is open). */
  async retryAfterSeconds(limit: CountedLimitName, subject: string): Promise<number> {
    const window = await this.#counters.window(counterKey(limit, subject));
    return window ? Math.max(1, Math.ceil((window.endsAt.getTime() - this.#now()) / 1000)) : 0;
  }

  /** Forgets the hits of `subject` in the current window (a right password, a proven address). */
  async clear(limit: CountedLimitName, subject: string): Promise<void> {
    await this.#counters.clear(counterKey(limit, subject));
  }

  /** Whether `subject` has reached the cap in the current window, without counting. */
  async reached(limit: CountedLimitName, subject: string): Promise<boolean> {
    return await this.#counters.count(counterKey(limit, subject)) >= this.cap(limit);
  }
}

function counterKey(limit: CountedLimitName, subject: string): string {
  return `${limit}:${subject}`;
}
