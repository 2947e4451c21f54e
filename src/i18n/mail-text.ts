// The mail, SMS and notice templates in one language (i18n/<lang>/mails.ts).
import { mails as en } from './en/mails.ts';
import { mails as ja, type MailTemplates } from './ja/mails.ts';
import type { Lang } from './lang.ts';

export type { CodeValues, MailTemplates, MailText, NoticeText, RecoveredValues, SignInValues } from './ja/mails.ts';

const MAILS: Readonly<Record<Lang, MailTemplates>> = { ja, en };

export function mailText(lang: Lang): MailTemplates {
  return MAILS[lang];
}
