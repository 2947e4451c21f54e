// Password reset as a flow: code_sent → done. Between the two pages the browser keeps which address
// is being reset (a flow cookie bound to this browser), for as long as the code lives; the code
// itself, its attempt limit and the password rules stay with the one-time codes and the service.
import { z } from 'zod';

/** A code went to `email` (or, for an unknown address, was made and never sent). */
export interface CodeSent {
  step: 'code_sent';
  email: string;
  /** The sign-in page to go back to afterwards ('' when none). */
  back: string;
  /** False when the mail budget was spent and no new code was made: the page says so. */
  mailed: boolean;
}
/** The new password is set and every sign-in ended. Never stored: the cookie is cleared. */
export interface Done { step: 'done'; back: string }

/** What the cookie may hold between the pages. */
export type PasswordResetState = CodeSent;

/** Only a sign-in page of tobira's own. */
export const BACK_PATH = /^\/interaction\/[A-Za-z0-9_-]{1,64}$/;

export const passwordResetStateSchema: z.ZodType<PasswordResetState> = z.object({
  step: z.literal('code_sent'),
  email: z.string().min(1).max(254),
  back: z.union([z.literal(''), z.string().regex(BACK_PATH)]),
  mailed: z.boolean(),
});

/** The code step stays open exactly as long as the code it waits for. */
export function lifetimeMs(codeTtlSeconds: number): number {
  return codeTtlSeconds * 1000;
}

/** Step 1: a code for `email` (or none, past the mail budget); a new request starts over. */
export function codeSent(email: string, back: string | undefined, mailed = true): CodeSent {
  return { step: 'code_sent', email, back: back ?? '', mailed };
}

/** Step 2: the code and the new password were accepted. */
export function done(state: CodeSent): Done {
  return { step: 'done', back: state.back };
}
