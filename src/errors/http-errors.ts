// Refusals of the HTTP edge itself. Texts: i18n/<lang>/errors.ts.
import { E } from './app-error.ts';

export const InvalidInputError = E('invalid_input', 400, (field?: string) => ({ field }));
export const PayloadTooLargeError = E('payload_too_large', 413);
export const CsrfError = E('csrf_failed', 403);
export const NotFoundError = E('not_found', 404);
export const InteractionExpiredError = E('interaction_expired', 400);
export const InternalError = E('internal_error', 500);
/** The signed-in-account guard (http/account-guard.ts): nobody is signed in. */
export const NotSignedInError = E('not_signed_in', 401);
/** A sensitive change needs a recent sign-in. */
export const ReauthenticationRequiredError = E('reauthentication_required', 403);
/** Turning always-passkey off needs a recent sign-in with a passkey, not a password or a phone approval. */
export const PasskeyReauthenticationRequiredError = E('passkey_reauthentication_required', 403);
