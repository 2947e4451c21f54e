// A budget of mails (or texts) sent to one address: counted per source first, so a stranger past
// their own budget does not spend the address's, then per address, hashed; both race-safe in the
// store. Counted before anything is looked up, alike for addresses with and without an account,
// so the refusal tells nothing about accounts.
import { E } from '../errors/app-error.ts';
import type { CountedLimitName } from './limits.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { addressSubject, sourceSubject } from './subjects.ts';

/** Too many codes went to this address (or from this source) lately; the text says when to retry. */
export const MailBudgetSpentError = E('mail_budget_spent', 429, (retryAfterSeconds: number) => ({ retryAfterSeconds }));

export interface MailBudget {
  perSource: CountedLimitName;
  perAddress: CountedLimitName;
}

/**
 * Spends one mail to `address` requested from `ip`. Returns the address's count in its window
 * (1, 2, ...), or throws MailBudgetSpentError past either limit.
 */
export async function spendMail(limiter: RateLimiter, budget: MailBudget, address: string, ip: string | null): Promise<number> {
  const source = sourceSubject(ip);
  if (source && (await limiter.hit(budget.perSource, source)).over) throw new MailBudgetSpentError(await limiter.retryAfterSeconds(budget.perSource, source));
  const subject = addressSubject(address);
  const spent = await limiter.hit(budget.perAddress, subject);
  if (spent.over) throw new MailBudgetSpentError(await limiter.retryAfterSeconds(budget.perAddress, subject));
  return spent.count;
}
