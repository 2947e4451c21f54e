import { E } from '../errors/app-error.ts';
import type { Localized } from '../i18n/lang.ts';

/** Same error, same wording, for an unknown e-mail and a wrong password (no account enumeration). */
export const InvalidCredentialsError = E('invalid_credentials', 401);
export const EmailTakenError = E('email_taken', 409);
/**
 * Without `guessable`: too short (or too long). With it: long enough but easy to guess, and why
 * (zxcvbn's feedback, possibly empty).
 */
export const WeakPasswordError = E('weak_password', 400, (guessable?: Localized) => ({ guessable }));
export const AccountNotFoundError = E('account_not_found', 404);
/** The partner service accepts only a phishing-resistant sign-in for this request. */
export const PasskeyRequiredError = E('passkey_required', 403);
/** The partner needs a passkey or a push approval with the number typed (acr push:typed): no password. */
export const StrongerSignInRequiredError = E('stronger_sign_in_required', 403);
/** Password sign-in, password reset or a password-dependent service for an always-passkey account. */
export const AlwaysPasskeyOnError = E('always_passkey_on', 403);
/**
 * Too many password tries for this address or from this place (limits.ts's passwordTries*): try
 * again later, or sign in with a passkey or phone, or reset the password. Said alike for every
 * address, with or without an account.
 */
export const SignInThrottledError = E('sign_in_throttled', 429, (retryAfterSeconds: number) => ({ retryAfterSeconds }));
/**
 * An operator disabled the account. Said only to someone who proved the account is theirs (a right
 * password, a passkey of it, an approval on its phone): a stranger is answered as before.
 */
export const AccountDisabledError = E('account_disabled', 403);
export const AccountAlreadyDisabledError = E('account_already_disabled', 409);
export const AccountNotDisabledError = E('account_not_disabled', 409);
