import Bowser from 'bowser';
import type { Lang } from '../i18n/lang.ts';
import { withoutControlCharacters } from '../names.ts';

/** The label's frame in each language; browser and system names are product names, kept as is. */
const FRAME: Readonly<Record<Lang, { unknown: string; browser: string; on: (browser: string, os: string) => string }>> = {
  ja: { unknown: '不明なブラウザ', browser: 'ブラウザ', on: (browser, os) => `${browser}（${os}）` },
  en: { unknown: 'Unknown browser', browser: 'Browser', on: (browser, os) => `${browser} on ${os}` },
};

/**
 * "Chrome 156 on Windows" / "Chrome 156（Windows）": what a user recognises a browser by
 * (User-Agent parsed by bowser), in the language of the page or message that shows it.
 */
export function browserLabel(userAgent: string | undefined, lang: Lang): string {
  const frame = FRAME[lang];
  if (!userAgent) return frame.unknown;
  const parsed = Bowser.parse(userAgent);
  const major = parsed.browser.version?.split('.')[0];
  const browser = [parsed.browser.name ?? frame.browser, major].filter(Boolean).join(' ');
  // The User-Agent is the client's to write: its label is a name like any other (names.ts).
  return withoutControlCharacters(parsed.os.name ? frame.on(browser, parsed.os.name) : browser);
}
