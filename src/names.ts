// The one rule for every name a user sets (display name, passkey, phone and browser names): no
// control characters. A name is shown on pages, in mails, in the audit and to partner services
// (`name`); NUL, ESC, BEL, line breaks or a bidi override (U+202E) there can forge what the reader
// sees (a reversed "gpj.exe", a fake second line in a mail, terminal escapes in a log viewer).
import { E } from './errors/app-error.ts';

/** A name holds a control character (C0, DEL, C1, line/paragraph separator or a bidi control). */
export const NameControlCharactersError = E('name_control_characters', 400);

// \p{Cc}: U+0000–U+001F, U+007F–U+009F. Then the separators U+2028/U+2029 and every bidi
// formatting control: ALM, LRM/RLM, LRE…RLO (U+202A–U+202E), LRI…PDI (U+2066–U+2069).
const CONTROL = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export function hasControlCharacters(name: string): boolean {
  return CONTROL.test(name);
}

/** For a name tobira derives from what a client sent (a browser's label from its User-Agent). */
export function withoutControlCharacters(text: string): string {
  return text.replace(new RegExp(CONTROL.source, 'gu'), '');
}

/** Throws NameControlCharactersError unless `name` is free of control characters; returns it. */
export function requireCleanName(name: string): string {
  if (hasControlCharacters(name)) throw new NameControlCharactersError();
  return name;
}
