import { E } from '../errors/app-error.ts';

export const AdminApiOffError = E('admin_api_off', 404);
export const AdminUnauthorizedError = E('admin_unauthorized', 401);
