import { E } from '../errors/app-error.ts';

export const InvalidWebAuthnResponseError = E('invalid_webauthn_response', 400);
export const PasskeyVerificationFailedError = E('passkey_verification_failed', 400);
export const ChallengeExpiredError = E('challenge_expired', 400);
export const UnknownPasskeyError = E('unknown_passkey', 400);
export const PasskeyAccountMismatchError = E('passkey_account_mismatch', 400);
export const CounterRegressionError = E('passkey_counter_regression', 400);
export const PasskeyAlreadyRegisteredError = E('passkey_already_registered', 409);
export const PasskeyNotFoundError = E('passkey_not_found', 404);
export const LastSignInMethodError = E('last_sign_in_method', 409);
