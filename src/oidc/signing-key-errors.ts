// Refusals of the signing key lifecycle (oidc/signing-key-lifecycle.ts): each says what to do instead.
import { E } from '../errors/app-error.ts';

export const SigningKeysFromFileError = E('signing_keys_from_file', 409);
export const SigningKeyNotFoundError = E('signing_key_not_found', 404);
export const NextSigningKeyExistsError = E('signing_key_next_exists', 409);
export const NoNextSigningKeyError = E('signing_key_no_next', 409);
export const SigningKeyTooEarlyError = E('signing_key_too_early', 409);
export const SigningKeyIsCurrentError = E('signing_key_is_current', 409);
export const SigningKeyAlreadyRetiredError = E('signing_key_already_retired', 409);
export const SigningKeysBusyError = E('signing_keys_busy', 409);
