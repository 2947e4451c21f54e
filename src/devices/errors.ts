import { E } from '../errors/app-error.ts';

export const NotificationsRequiredError = E('notifications_required', 400);
export const DeviceNotFoundError = E('device_not_found', 404);
/** This browser is not a set-up phone of the signed-in account (or the passkey used is not the phone's). */
export const DeviceRequiredError = E('device_required', 403);
/** The passkey registered with an enrolment link cannot stand as this phone's setup proof (expired, another account, already a phone). */
export const EnrolledPasskeyUnusableError = E('enrolled_passkey_unusable', 409);
