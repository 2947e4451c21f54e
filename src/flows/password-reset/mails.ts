// The e-mails of password reset, and the notice that the password was changed. Texts:
// i18n/<lang>/mails.ts.
import { mailText } from '../../i18n/mail-text.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { MailMessage } from '../../notify/mailer.ts';
import type { Notice } from '../../notify/account-notifier.ts';

export function resetCodeMail(lang: Lang, to: string, code: string, minutes: number): MailMessage {
  return { to, ...mailText(lang).resetCode({ code, minutes }) };
}

/** Sent instead of a code to an always-passkey account: it has no password to reset. */
export function resetOffMail(lang: Lang, to: string): MailMessage {
  return { to, ...mailText(lang).resetOff() };
}

export function passwordChangedNotice(lang: Lang): Notice {
  return mailText(lang).passwordChanged();
}
