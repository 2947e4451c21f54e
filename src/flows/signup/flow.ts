// The sign-up as a flow: code_sent → verified → naming → done (a passkey), or code_sent → verified
// → done (a password, `withPassword`): either way the e-mail code comes first. The state between the
// steps is kept in the browser (a flow cookie bound to the interaction); each transition below takes
// the state it expects and refuses any other with SignupStepError, so a skipped or replayed step
// cannot reach the account creation.
import { z } from 'zod';
import { CHALLENGE_TTL_SECONDS } from '../../passkeys/passkey-service.ts';
import { SignupStepError } from './errors.ts';

/** A sign-up must be finished this long after its code was sent (the passkey step may stretch it, below). */
export const SIGNUP_LIFETIME_MS = 30 * 60_000;

/** What the user chose to sign in with: where the code step leads (both remain possible after it). */
export type SignupMethod = 'passkey' | 'password';

/** A code went to `email`; it proves nothing yet. */
export interface CodeSent { step: 'code_sent'; email: string; method: SignupMethod; /** deadline, epoch ms */ exp: number }
/** The code proved the address; the account-to-be has its WebAuthn user handle. */
export interface Verified { step: 'verified'; email: string; method: SignupMethod; userHandle: string; exp: number }
/** The user gave a name and got passkey options for it. */
export interface Naming { step: 'naming'; email: string; method: SignupMethod; userHandle: string; name: string; exp: number }
/** The passkey is verified: what the account is created from. Never stored. */
export interface Done { step: 'done'; email: string; userHandle: string; name: string }

/** What the cookie may hold between the steps. */
export type SignupState = CodeSent | Verified | Naming;

const email = z.string().min(1).max(254);
const userHandle = z.string().min(1).max(128);
const exp = z.number();
// A cookie written before the password path existed holds no method: it was a passkey sign-up.
const method = z.enum(['passkey', 'password']).default('passkey');
export const signupStateSchema: z.ZodType<SignupState> = z.discriminatedUnion('step', [
  z.object({ step: z.literal('code_sent'), email, method, exp }),
  z.object({ step: z.literal('verified'), email, method, userHandle, exp }),
  z.object({ step: z.literal('naming'), email, method, userHandle, name: z.string().min(1).max(100), exp }),
]);

/** Step 1: a code was sent to `email` (a new e-mail always starts over). */
export function codeSent(email: string, now: number, method: SignupMethod = 'passkey'): CodeSent {
  return { step: 'code_sent', email, method, exp: now + SIGNUP_LIFETIME_MS };
}

/** Step 2: the code proved `verifiedAddress`, which must be the address the code was sent to. */
export function verified(state: SignupState, verifiedAddress: string, userHandle: string): Verified {
  if (state.step !== 'code_sent' || verifiedAddress !== state.email) throw new SignupStepError();
  return { step: 'verified', email: state.email, method: state.method, userHandle, exp: state.exp };
}

/**
 * Step 3: passkey options for `name` (again as often as the user likes). The sign-up then lives at
 * least as long as the registration challenge, so a passkey made in time is never refused.
 */
export function naming(state: SignupState, name: string, now: number): Naming {
  if (state.step === 'code_sent') throw new SignupStepError();
  return { step: 'naming', email: state.email, method: state.method, userHandle: state.userHandle, name, exp: Math.max(state.exp, now + CHALLENGE_TTL_SECONDS * 1000) };
}

/** Step 4: the passkey was verified for the named sign-up. */
export function done(state: SignupState): Done {
  if (state.step !== 'naming') throw new SignupStepError();
  return { step: 'done', email: state.email, userHandle: state.userHandle, name: state.name };
}

/** The password step: only a proven address may get a password account (the account is made now). */
export function withPassword(state: SignupState): { email: string } {
  if (state.step === 'code_sent') throw new SignupStepError();
  return { email: state.email };
}

/** The passkey pages need a proven address. */
export function requireVerified(state: SignupState): Verified | Naming {
  if (state.step === 'code_sent') throw new SignupStepError();
  return state;
}

/** How long the cookie must keep `state` from `now` (ms). */
export function remainingMs(state: SignupState, now: number): number {
  return state.exp - now;
}
