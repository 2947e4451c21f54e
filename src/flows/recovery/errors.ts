import { E } from '../../errors/app-error.ts';

export const ContactRequiredError = E('contact_required', 400);
export const RecoveryRequestNotFoundError = E('recovery_request_not_found', 404);
/** `state` is the request's status now. */
export const RecoveryRequestDecidedError = E('recovery_request_decided', 409, (state: string) => ({ state }));
export type RecoveryRequestDecidedError = InstanceType<typeof RecoveryRequestDecidedError>;
export const RecoveryAccountUnknownError = E('recovery_account_unknown', 409);
export const ControlCharactersError = E('control_characters', 400);
/** Too many requests from this source (for this account ID, or at all) this hour: limits.ts's recoveryRequests*. */
export const RecoveryThrottledError = E('recovery_throttled', 429);
export const RecoveryNoVerifiedContactError = E('recovery_no_verified_contact', 409);
export const RecoveryNotCompletableError = E('recovery_not_completable', 409, (state: string) => ({ state }));
export const RecoveryEnrolmentNotUsedError = E('recovery_enrolment_not_used', 409);
export const RecoveryNewPasskeyGoneError = E('recovery_new_passkey_gone', 409);
/** `steps` are the clean-up steps that failed. */
export const RecoveryCompletionFailedError = E('recovery_completion_failed', 500, (steps: readonly string[]) => ({ steps }));
