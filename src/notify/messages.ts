// The e-mails of sign-up and push approval, in the language the user was using. Texts:
// i18n/<lang>/mails.ts.
import { mailText } from '../i18n/mail-text.ts';
import type { Lang } from '../i18n/lang.ts';
import type { MailMessage } from './mailer.ts';

export function signupCodeMail(lang: Lang, to: string, code: string, minutes: number): MailMessage {
  return { to, ...mailText(lang).signupCode({ code, minutes }) };
}

/** Sent instead of a code when the address already has an account, so the page reveals nothing. */
export function alreadyRegisteredMail(lang: Lang, to: string): MailMessage {
  return { to, ...mailText(lang).alreadyRegistered() };
}

/** After "This wasn't me" on the phone: what was refused, and what to do. */
/** A phone that opened the owner's phone set-up code said "this wasn't me / cancel". */
export function handoffRefusedMail(lang: Lang, to: string, where: string): MailMessage {
  return { to, ...mailText(lang).handoffRefused({ where }) };
}

/** A wrong number was chosen or typed on the phone: push sign-in from untrusted browsers pauses for `minutes`. */
export function pushWrongNumberMail(lang: Lang, to: string, context: Record<string, string>, minutes: number): MailMessage {
  const where = [context.browser, context.ip, context.place].filter(Boolean).join(', ');
  return { to, ...mailText(lang).pushWrongNumber({ client: context.client ?? '', where, time: context.time ?? '', minutes }) };
}

export function pushReportedMail(lang: Lang, to: string, context: Record<string, string>): MailMessage {
  const where = [context.browser, context.ip, context.place].filter(Boolean).join(', ');
  return { to, ...mailText(lang).pushReported({ client: context.client ?? '', where, time: context.time ?? '' }) };
}
