// The e-mails tobira sends, in the language the user was using.
import type { Lang } from '../errors/app-error.ts';
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
