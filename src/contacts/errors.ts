import { E } from '../errors/app-error.ts';

export const ContactEmailInvalidError = E('contact_email_invalid', 400);
export const MobileNumberInvalidError = E('mobile_number_invalid', 400);
export const NotAMobileNumberError = E('not_a_mobile_number', 400);
export const ContactNotSetError = E('contact_not_set', 404);
export const TooManyCodesError = E('too_many_codes', 429);
export const CodeNotDeliveredError = E('code_not_delivered', 502);
