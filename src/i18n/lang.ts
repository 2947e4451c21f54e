// The languages tobira speaks. Japanese is the source: every text is written in Japanese first, and
// each other language must have every key Japanese has (a missing translation does not compile).
export type Lang = 'ja' | 'en';

export const LANGS: readonly Lang[] = ['ja', 'en'];

/** A value already written in every language, handed to a text that picks its own. */
export type Localized = Readonly<Record<Lang, string>>;

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}
