// How a stored phone number (E.164, +819012345678) is shown to people: Japanese numbers the way
// they are written at home (090-1234-5678), others in international form (+1 202-555-0123). The one
// place numbers are formatted for display; storage and SMS keep E.164.
import { phoneLibrary } from './phone-library.ts';

export function formatPhoneNumber(e164: string): string {
  const number = phoneLibrary().parsePhoneNumberFromString(e164);
  if (!number) return e164;
  return number.country === 'JP' ? number.formatNational() : number.formatInternational();
}

/** A contact value as shown: phone numbers formatted, e-mail addresses as they are. */
export function formatContactValue(kind: 'email' | 'mobile', value: string): string {
  return kind === 'mobile' ? formatPhoneNumber(value) : value;
}
