// The phone change as a flow: codes_sent → partly_confirmed → confirmed (an enrolment link is handed
// out). The attempt lives in the browser that started it (a flow cookie bound to this browser) and
// holds no secret: the codes stay in the store under the attempt's random id. A confirmed attempt
// is never stored, so no replayed cookie can ask for a second link.
import { z } from 'zod';
import type { ContactKind } from '../../store/types.ts';
import { PhoneChangeStepError } from './errors.ts';

export const CONTACT_KINDS: readonly ContactKind[] = ['email', 'mobile'];

/** An attempt outlives its codes by this much, so a late entry hears "code expired", not "start again". */
export const GRACE_AFTER_CODES_MS = 300_000;

interface AttemptBase {
  /** Random; the attempt's codes are stored under it, so only this browser can use them. */
  id: string;
  /** The account ID (sign-in e-mail) as typed, normalised. */
  account: string;
  /** Deadline, epoch ms. */
  exp: number;
}
/** Both codes went out (or, for an account without both contacts, were made and never sent). */
export interface CodesSent extends AttemptBase { step: 'codes_sent'; confirmed: Record<never, never> }
/** One code was right (SHA-256 of where it went); the other is still missing or was wrong. */
export interface PartlyConfirmed extends AttemptBase { step: 'partly_confirmed'; confirmed: { email: string } | { mobile: string } }
/** Both codes were right: the link may be handed out. Never stored. */
export interface Confirmed extends AttemptBase { step: 'confirmed'; confirmed: Record<ContactKind, string> }

/** One browser's phone change in progress, as its cookie holds it. */
export type PhoneChangeAttempt = CodesSent | PartlyConfirmed;

const digest = z.string().regex(/^[0-9a-f]{64}$/);
const base = { id: z.string().regex(/^[A-Za-z0-9_-]{22}$/), account: z.string().max(254), exp: z.number() };
export const attemptSchema: z.ZodType<PhoneChangeAttempt> = z.discriminatedUnion('step', [
  z.object({ step: z.literal('codes_sent'), ...base, confirmed: z.strictObject({}) }),
  z.object({ step: z.literal('partly_confirmed'), ...base, confirmed: z.union([z.strictObject({ email: digest }), z.strictObject({ mobile: digest })]) }),
]);

/** How long an attempt lives, given the codes' lifetime. */
export function attemptLifetimeMs(codeTtlMinutes: number): number {
  return codeTtlMinutes * 60_000 + GRACE_AFTER_CODES_MS;
}

/** Step 1: an attempt for the account ID with codes under `id`. */
export function started(id: string, account: string, now: number, codeTtlMinutes: number): CodesSent {
  return { step: 'codes_sent', id, account, confirmed: {}, exp: now + attemptLifetimeMs(codeTtlMinutes) };
}

/** Refuses an attempt past its deadline. */
export function requireOpen(attempt: PhoneChangeAttempt, now: number): PhoneChangeAttempt {
  if (attempt.exp <= now) throw new PhoneChangeStepError();
  return attempt;
}

/** Whether `kind`'s code is already confirmed in this attempt. */
export function isConfirmed(attempt: PhoneChangeAttempt | Confirmed, kind: ContactKind): boolean {
  return kind in attempt.confirmed;
}

/** Step 2: `kind`'s code was right; `sentTo` is the SHA-256 of where it went. Each code counts once. */
export function confirm(attempt: PhoneChangeAttempt, kind: ContactKind, sentTo: string): PartlyConfirmed | Confirmed {
  if (isConfirmed(attempt, kind)) throw new PhoneChangeStepError();
  const { id, account, exp } = attempt;
  if (attempt.step === 'codes_sent') return { step: 'partly_confirmed', id, account, exp, confirmed: kind === 'email' ? { email: sentTo } : { mobile: sentTo } };
  // The one held is the other kind (checked above).
  const held = attempt.confirmed;
  return { step: 'confirmed', id, account, exp, confirmed: 'email' in held ? { email: held.email, mobile: sentTo } : { email: sentTo, mobile: held.mobile } };
}

/** How long the cookie must keep `attempt` from `now` (ms). */
export function remainingMs(attempt: PhoneChangeAttempt, now: number): number {
  return attempt.exp - now;
}
