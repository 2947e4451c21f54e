// The passkey this browser has just registered with an enrolment link (phone change, recovery):
// a short-lived signed cookie, bound to this browser, naming the account and the credential. The
// phone's setup that follows (/device) takes it as the proof that this phone holds that passkey —
// the registration was made on this very browser with user verification minutes ago, and the
// sign-in in between was made with it — instead of asking for biometrics a third time.
import { z } from 'zod';
import { FlowCookie } from './flow-cookie.ts';

/** Long enough to sign in with the new passkey and set the phone up; short enough to be this visit. */
export const ENROLLED_PASSKEY_TTL_MS = 10 * 60_000;

const enrolledPasskey = z.object({ accountId: z.string().min(1).max(64), credentialId: z.string().min(1).max(1024) });
export type EnrolledPasskey = z.infer<typeof enrolledPasskey>;

export function enrolledPasskeyCookie(now: () => number): FlowCookie<EnrolledPasskey> {
  return new FlowCookie({ name: 'tobira.enrolled', schema: enrolledPasskey, lifetimeMs: ENROLLED_PASSKEY_TTL_MS, now });
}
