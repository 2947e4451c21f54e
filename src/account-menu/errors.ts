import { E } from '../errors/app-error.ts';

export const NotSignedInError = E('not_signed_in', 401);
export const ReauthenticationRequiredError = E('reauthentication_required', 403);
/** Turning always-passkey off needs a recent sign-in with a passkey, not a password or a phone approval. */
export const PasskeyReauthenticationRequiredError = E('passkey_reauthentication_required', 403);
/** A connected-service id that is not one of this account's partner grants (or does not exist). */
export const ServiceNotConnectedError = E('service_not_connected', 404);
