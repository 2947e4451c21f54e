// Why a signed-in user is sent to sign in again (a step-up): the sign-in page says so, in its own
// heading, instead of looking like a partner's sign-in. The reason travels as the authorization
// parameter `tobira_reason` of tobira's own account (or console) client; a partner cannot set it (the page
// honours it only for that client) and an unknown value is ignored.

export const REAUTH_REASON_PARAM = 'tobira_reason';

export const REAUTH_REASONS = [
  /** A sensitive change of the account needs a recent sign-in. */
  'account',
  'always_passkey_on',
  /** The password session that turned it on ended with the password. */
  'always_passkey_on_done',
  'always_passkey_off',
  /** A new passkey or phone needs a recent sign-in at the account's strength. */
  'add_way_in',
  /** Every sign-in of the account ended (a phone removed). */
  'signed_out',
  /** After an enrolment link: the passkey just made signs in. */
  'new_passkey',
  /** The operator console needs a recent passkey sign-in (console/console-guard.ts). */
  'console',
] as const;

export type ReauthReason = (typeof REAUTH_REASONS)[number];

export function isReauthReason(value: unknown): value is ReauthReason {
  return typeof value === 'string' && (REAUTH_REASONS as readonly string[]).includes(value);
}
