// Dates as people read them in tobira's mails: the user's language, the operator's time zone, and
// the zone's name, since a mail is read far from the page that caused it.
import type { Lang } from './lang.ts';

export function dateTimeFormat(lang: Lang, timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });
}
