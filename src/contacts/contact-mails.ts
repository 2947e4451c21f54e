// The messages of contact verification: the code (by mail or SMS), and the security notice to the
// addresses the account had before a contact was added, changed or removed. Texts:
// i18n/<lang>/mails.ts.
import { mailText } from '../i18n/mail-text.ts';
import type { Lang } from '../i18n/lang.ts';
import type { MailMessage } from '../notify/mailer.ts';
import type { Notice } from '../notify/account-notifier.ts';
import type { SmsMessage } from '../notify/sms-sender.ts';
import type { ContactKind } from '../store/types.ts';

export function contactCodeMail(lang: Lang, to: string, code: string, minutes: number): MailMessage {
  return { to, ...mailText(lang).contactCode({ code, minutes }) };
}

export function contactCodeSms(lang: Lang, to: string, code: string, minutes: number): SmsMessage {
  return { to, text: mailText(lang).contactCodeSms({ code, minutes }) };
}

export interface ContactChange {
  kind: ContactKind;
  action: 'added' | 'changed' | 'removed';
  /** The new value, masked (absent when removed). */
  masked?: string;
  /** When, formatted for the reader. */
  at: string;
  accountUrl: string;
}

export function contactChangedNotice(lang: Lang, change: ContactChange): Notice {
  return mailText(lang).contactChanged({ kind: change.kind, action: change.action, masked: change.masked ?? '', at: change.at, accountUrl: change.accountUrl });
}
