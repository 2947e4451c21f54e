import { E } from '../errors/app-error.ts';

/** A connected-service id that is not one of this account's partner grants (or does not exist). */
export const ServiceNotConnectedError = E('service_not_connected', 404);
