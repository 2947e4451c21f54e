import { E } from '../errors/app-error.ts';

export const CodeInvalidError = E('code_invalid', 400);
export const CodeExpiredError = E('code_expired', 400);
export const TooManyAttemptsError = E('too_many_attempts', 429);
