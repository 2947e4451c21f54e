import { E } from '../../errors/app-error.ts';

/**
 * One answer for every way a code, link or hand-off cannot be used (mistyped, unknown, used, expired,
 * claimed by another phone, its PC signed out), so a guesser learns nothing and the user what to do.
 */
export const PhoneHandoffInvalidError = E('phone_handoff_invalid', 410);
/** Too many codes tried from this address: counted per address, so nobody can lock anyone else out. */
export const PhoneHandoffRateLimitedError = E('phone_handoff_rate_limited', 429);
/** Too many codes shown for this account this hour. */
export const PhoneHandoffStartsLimitedError = E('phone_handoff_starts_limited', 429);
