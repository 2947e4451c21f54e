import { E } from '../errors/app-error.ts';

export const PhoneRequiredError = E('phone_required', 409);
export const AlwaysPasskeyNotOnError = E('always_passkey_not_on', 409);
export const NewPasswordRequiredError = E('new_password_required', 400);
export const ConfirmationRequiredError = E('confirmation_required', 400);
/** A partner service marked as password-dependent, for an account that has no password. */
export const PasswordDependentClientError = E('password_dependent_client', 403, (client: string) => ({ client }));
