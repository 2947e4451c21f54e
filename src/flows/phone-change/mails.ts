// What tobira sends during and after a phone change, in the user's language. Texts:
// i18n/<lang>/mails.ts.
import { mailText } from '../../i18n/mail-text.ts';
import type { Lang } from '../../i18n/lang.ts';
import type { Notice } from '../../notify/account-notifier.ts';
import type { MailMessage } from '../../notify/mailer.ts';
import type { SmsMessage } from '../../notify/sms-sender.ts';

export function phoneChangeCodeMail(lang: Lang, to: string, code: string, minutes: number): MailMessage {
  return { to, ...mailText(lang).phoneChangeCode({ code, minutes }) };
}

export function phoneChangeCodeSms(lang: Lang, to: string, code: string, minutes: number): SmsMessage {
  return { to, text: mailText(lang).phoneChangeCodeSms({ code, minutes }) };
}

/** After a passkey was registered through a phone change's enrolment link. */
export function phoneChangePasskeyNotice(lang: Lang, when: string): Notice {
  return mailText(lang).phoneChangePasskey({ when });
}
