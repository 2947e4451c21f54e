// Dates as people read them in tobira's mails: the user's language, the operator's time zone, and
// the zone's name, since a mail is read far from the page that caused it.
import type { Lang } from './lang.ts';

/** The locale tobira formats dates in for a language (day before month in English). */
export function dateLocale(lang: Lang): string {
  return lang === 'ja' ? 'ja-JP' : 'en-GB';
}

export function dateTimeFormat(lang: Lang, timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(dateLocale(lang), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });
}
