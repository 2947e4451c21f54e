import { E } from '../errors/app-error.ts';

export const InvalidPushSubscriptionError = E('invalid_push_subscription', 400);
export const PushEndpointNotAllowedError = E('push_endpoint_not_allowed', 400);
/** `pushStatus`: the push service's HTTP status, or null when there was no answer (network error, timeout, bad input). */
export const PushDeliveryError = E('push_delivery_failed', 502, (pushStatus: number | null) => ({ pushStatus }));
