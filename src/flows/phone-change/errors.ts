import { E } from '../../errors/app-error.ts';

/** The browser holds no phone change in progress (none started here, or it ran out). */
export const PhoneChangeStepError = E('phone_change_step_missing', 400);
/** Codes go out by mail and SMS (which costs money): only so many attempts per account and hour. */
export const PhoneChangeRateLimitedError = E('phone_change_rate_limited', 429);
