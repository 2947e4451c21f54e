// The e-mails tobira sends, in the language the user was using.
import type { Lang } from '../i18n/lang.ts';
import type { MailMessage } from './mailer.ts';

export function signupCodeMail(lang: Lang, to: string, code: string, minutes: number): MailMessage {
  return lang === 'ja'
    ? { to, subject: `tobira 確認コード: ${code}`, text: `tobira のアカウント登録の確認コードは ${code} です。\n${minutes} 分以内に入力してください。\n\nお心当たりがない場合は、このメールを破棄してください。\n` }
    : { to, subject: `tobira verification code: ${code}`, text: `Your tobira sign-up verification code is ${code}.\nEnter it within ${minutes} minutes.\n\nIf you did not ask for it, ignore this e-mail.\n` };
}

/** Sent instead of a code when the address already has an account, so the page reveals nothing. */
export function alreadyRegisteredMail(lang: Lang, to: string): MailMessage {
  return lang === 'ja'
    ? { to, subject: 'tobira: このメールアドレスは登録済みです', text: 'このメールアドレスの tobira アカウントはすでにあります。新規登録ではなくログインしてください。\n\nお心当たりがない場合は、このメールを破棄してください。\n' }
    : { to, subject: 'tobira: you already have an account', text: 'There is already a tobira account for this e-mail address. Please sign in instead of signing up.\n\nIf you did not ask for this, ignore this e-mail.\n' };
}

/** After "This wasn't me" on the phone: what was refused, and what to do. */
export function pushReportedMail(lang: Lang, to: string, context: Record<string, string>): MailMessage {
  const where = [context.browser, context.ip, context.place].filter(Boolean).join(', ');
  return lang === 'ja'
    ? { to, subject: 'tobira: 心当たりのないログイン要求を拒否しました', text: `「${context.client}」へのログイン要求（${where}、${context.time}）を、あなたの操作で拒否しました。\nしばらくの間、スマートフォンへの通知によるログインを停止しています。パスキーでは引き続きログインできます。\n` }
    : { to, subject: 'tobira: a sign-in request you did not make was refused', text: `You refused a sign-in request to ${context.client} (${where}, ${context.time}).\nSign-in by phone notification is paused for a while; your passkeys still work.\n` };
}
