// How strong a new password must be: 12 to 256 characters and a zxcvbn-ts score of at least 3
// ("safely unguessable"), judged with the account's own e-mail address and name as words an
// attacker would try first. The refusal carries zxcvbn's feedback, in Japanese
// (i18n/ja/password-feedback.ts) and English.
// The one password policy: every way a password is set (sign-up, reset, turning "Always passkey"
// off) goes through AccountService, which applies it. The estimate is bounded and runs in a worker
// thread (password-strength.ts), so callers await it; they check the cheap things (session, code,
// limits) first.
import { passwordFeedback } from '../i18n/ja/password-feedback.ts';
import type { Localized } from '../i18n/lang.ts';
import { WeakPasswordError } from './errors.ts';
import { estimateStrength } from './password-strength.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
export const MIN_PASSWORD_SCORE = 3;

/** zxcvbn's feedback keys in tobira's Japanese, beside zxcvbn's own English texts for them. */
function translated(keys: string[], ja: Readonly<Record<string, string>>, english: readonly string[]): Localized {
  return {
    ja: keys.map((key) => ja[key] ?? key).join(''),
    en: english.join(' '),
  };
}

/** The words of an e-mail address and a name, as zxcvbn user inputs. */
function personalWords(inputs: readonly string[]): string[] {
  const words = new Set<string>();
  for (const input of inputs) {
    const value = input.trim().toLowerCase();
    if (!value) continue;
    words.add(value);
    for (const part of value.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

/**
 * Throws WeakPasswordError (with the reason) unless `password` is long enough and zxcvbn scores it
 * at least MIN_PASSWORD_SCORE; `personal` are the account's e-mail address and name.
 */
export async function checkPasswordStrength(password: string, personal: readonly string[]): Promise<void> {
  await acceptPassword(password, personal);
}

const ACCEPTED = Symbol('accepted by the password policy');

/**
 * A password the policy accepted for these personal words. Only acceptPassword makes one, so a flow
 * that must check early (password reset checks before it uses the code) hands the verdict on and
 * the zxcvbn check, the expensive part, runs once.
 */
export class AcceptedPassword {
  readonly value: string;
  readonly personal: readonly string[];

  constructor(token: typeof ACCEPTED, value: string, personal: readonly string[]) {
    if (token !== ACCEPTED) throw new TypeError('only the password policy accepts passwords');
    this.value = value;
    this.personal = [...personal];
  }

  /** Whether this verdict holds for these personal words. */
  holdsFor(personal: readonly string[]): boolean {
    return personal.length === this.personal.length && personal.every((word, i) => word === this.personal[i]);
  }
}

/** The policy's length rule alone (WeakPasswordError): free to check, so a flow may ask it first. */
export function checkPasswordLength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) throw new WeakPasswordError();
}

/** Like checkPasswordStrength, and returns the verdict to hand on. */
export async function acceptPassword(password: string, personal: readonly string[]): Promise<AcceptedPassword> {
  checkPasswordLength(password);
  const result = await estimateStrength(password, personalWords(personal));
  if (result.score >= MIN_PASSWORD_SCORE) return new AcceptedPassword(ACCEPTED, password, personal);
  const reasons = [
    ...(result.warning ? [translated([result.warning], passwordFeedback.warnings, [result.english.warning ?? result.warning])] : []),
    translated(result.suggestions, passwordFeedback.suggestions, result.english.suggestions),
  ];
  throw new WeakPasswordError({
    ja: reasons.map((r) => r.ja).filter(Boolean).join(''),
    en: reasons.map((r) => r.en).filter(Boolean).join(' '),
  });
}
