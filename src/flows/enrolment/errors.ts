import { E } from '../../errors/app-error.ts';

/**
 * One answer for every way a link can fail (unknown, used, expired, wrong secret, malformed), so the
 * page tells a guesser nothing and the user what to do.
 */
export const EnrolmentLinkInvalidError = E('enrolment_link_invalid', 410);
