import { E } from '../errors/app-error.ts';

export const NotificationsRequiredError = E('notifications_required', 400);
export const DeviceNotFoundError = E('device_not_found', 404);
