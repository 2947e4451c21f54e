// The messages of lost-phone recovery. Those sent when an operator acts or after a request from
// someone who may not be the account holder cannot know the user's language: they are written in
// Japanese first, then English. Texts: i18n/<lang>/mails.ts.
import { mailText, type NoticeText } from '../../i18n/mail-text.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { MailMessage } from '../../notify/mailer.ts';
import type { Notice } from '../../notify/account-notifier.ts';

function both(ja: string, en: string): string {
  return `${ja}\n\n----\n\n${en}`;
}

/** Japanese first, then English, in one notice. */
function bilingual(ja: NoticeText, en: NoticeText): Notice {
  return { subject: `${ja.subject} / ${en.subject}`, text: both(ja.text, en.text), sms: `${ja.sms} / ${en.sms}` };
}

function hoursOf(ttlSeconds: number): number {
  return Math.max(1, Math.round(ttlSeconds / 3600));
}

/** The one-time enrolment link an operator's approval sends to the account's verified contact. */
export function enrolmentLinkMail(to: string, link: string, ttlSeconds: number): MailMessage {
  const values = { link, hours: hoursOf(ttlSeconds) };
  const ja = mailText('ja').recoveryLink(values);
  const en = mailText('en').recoveryLink(values);
  return { to, subject: `${ja.subject} / ${en.subject}`, text: both(ja.text, en.text) };
}

export function enrolmentLinkSms(link: string, ttlSeconds: number): string {
  const values = { link, hours: hoursOf(ttlSeconds) };
  return `${mailText('ja').recoveryLinkSms(values)} / ${mailText('en').recoveryLinkSms(values)}`;
}

/** To the account's own addresses when someone files a recovery request naming it. */
export function recoveryRequestedNotice(): Notice {
  return bilingual(mailText('ja').recoveryRequested(), mailText('en').recoveryRequested());
}

/** What the completion notice tells: whether a password was removed, and the contacts the account has now. */
export interface RecoveredAccount {
  passwordRemoved: boolean;
  email: string;
  contactEmail: string | null;
  contactMobile: string | null;
}

/**
 * After the recovery clean-up: the old ways in are gone. In the language of the page the link was
 * used on; when an operator finished the clean-up (no page), in Japanese first, then English.
 */
export function recoveryCompletedNotice(account: RecoveredAccount, lang: Lang | 'both'): Notice {
  if (lang !== 'both') return mailText(lang).recoveryCompleted(account);
  return bilingual(mailText('ja').recoveryCompleted(account), mailText('en').recoveryCompleted(account));
}
