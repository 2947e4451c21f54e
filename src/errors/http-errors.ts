// Refusals of the HTTP edge itself. Texts: i18n/<lang>/errors.ts.
import { E } from './app-error.ts';

export const InvalidInputError = E('invalid_input', 400, (field?: string) => ({ field }));
export const PayloadTooLargeError = E('payload_too_large', 413);
export const CsrfError = E('csrf_failed', 403);
export const NotFoundError = E('not_found', 404);
export const InteractionExpiredError = E('interaction_expired', 400);
export const InternalError = E('internal_error', 500);
