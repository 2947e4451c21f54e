// What a contact address must look like before a code is sent to it, in the one form it is stored
// in: e-mail lower-cased, mobile numbers in E.164 (Japanese numbers may be typed the domestic way).
import { z } from 'zod';
import { phoneLibrary } from '../i18n/phone-library.ts';
import type { ContactKind } from '../store/types.ts';
import { ContactEmailInvalidError, MobileNumberInvalidError, NotAMobileNumberError } from './errors.ts';

/** A number typed without + is read as a number of this region. */
export const DEFAULT_PHONE_REGION = 'JP';

const email = z.string().max(254).pipe(z.email());

export function normaliseContactEmail(input: string): string {
  const value = input.trim().toLowerCase();
  if (!email.safeParse(value).success) throw new ContactEmailInvalidError();
  return value;
}

/** E.164 (+819012345678); refuses what is not a valid number, and numbers that cannot take SMS. */
export function normaliseMobileNumber(input: string): string {
  const trimmed = input.trim();
  // Digits, spaces, dashes, dots, brackets and a leading +: anything else is not a phone number.
  if (trimmed.length > 32 || !/^\+?[0-9 ()\-.]{4,}$/.test(trimmed)) throw new MobileNumberInvalidError();
  const number = phoneLibrary().parsePhoneNumberFromString(trimmed, DEFAULT_PHONE_REGION);
  if (!number?.isValid()) throw new MobileNumberInvalidError();
  // Where numbering plans do not tell mobile from fixed lines (e.g. the US) the number may take SMS.
  const type = number.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') throw new NotAMobileNumberError();
  return number.number;
}

export function normaliseContact(kind: ContactKind, input: string): string {
  return kind === 'email' ? normaliseContactEmail(input) : normaliseMobileNumber(input);
}

/** Enough of an address to recognise it in a notice, not enough to learn it: h***@example.com, ******5678. */
export function maskContact(kind: ContactKind, value: string): string {
  if (kind === 'email') {
    const at = value.lastIndexOf('@');
    return `${value.slice(0, 1)}***${value.slice(at)}`;
  }
  return `${'*'.repeat(Math.max(0, value.length - 4))}${value.slice(-4)}`;
}
