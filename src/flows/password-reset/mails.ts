// The e-mails of password reset, and the notice that the password was changed.
import type { Lang } from '../../i18n/lang.ts';
import type { MailMessage } from '../../notify/mailer.ts';
import type { Notice } from '../../notify/account-notifier.ts';

export function resetCodeMail(lang: Lang, to: string, code: string, minutes: number): MailMessage {
  return lang === 'ja'
    ? { to, subject: `tobira パスワード再設定コード: ${code}`, text: `tobira のパスワード再設定の確認コードは ${code} です。\n${minutes} 分以内に入力してください。\n\nお心当たりがない場合は、このメールを破棄してください。パスワードは変わりません。\n` }
    : { to, subject: `tobira password reset code: ${code}`, text: `Your tobira password reset code is ${code}.\nEnter it within ${minutes} minutes.\n\nIf you did not ask for it, ignore this e-mail: your password stays as it is.\n` };
}

/** Sent instead of a code to an always-passkey account: it has no password to reset. */
export function resetOffMail(lang: Lang, to: string): MailMessage {
  return lang === 'ja'
    ? { to, subject: 'tobira: パスワードの再設定はできません（いつもパスキー設定）', text: 'パスワードの再設定が依頼されましたが、このアカウントは「いつもパスキー設定」がオンのため、パスワードがなく、再設定もできません。パスキー（生体認証・画面ロック）またはスマートフォンへの通知でログインしてください。\nパスワードを使いたい場合は、パスキーでログインしてアカウント画面で「いつもパスキー設定」をオフにしてください（新しいパスワードを設定します）。\n\nお心当たりがない場合は、このメールを破棄してください。\n' }
    : { to, subject: 'tobira: password reset is off for this account', text: 'Someone asked to reset the password of this account, but it uses "Always passkey": it has no password, and password reset is off. Sign in with your passkey (biometrics or screen lock) or a notification to your phone.\nTo use a password again, sign in with your passkey and turn "Always passkey" off in your account (you set a new password there).\n\nIf you did not ask for this, ignore this e-mail.\n' };
}

export function passwordChangedNotice(lang: Lang): Notice {
  return lang === 'ja'
    ? {
        subject: 'tobira: パスワードを再設定しました',
        text: 'あなたの tobira アカウントのパスワードがメールの確認コードで再設定されました。安全のため、すべての端末でログアウトし、連携サービスのトークンも無効にしました。\n\nお心当たりがない場合は、すぐにパスキーでログインしてアカウントを確認してください。\n',
        sms: 'tobira: パスワードが再設定されました。心当たりがない場合はすぐにアカウントを確認してください。',
      }
    : {
        subject: 'tobira: your password was reset',
        text: 'The password of your tobira account was reset with a code sent by e-mail. For your safety, every sign-in was ended and partner services\' tokens were revoked.\n\nIf this was not you, sign in with your passkey now and check your account.\n',
        sms: 'tobira: your password was reset. If this was not you, check your account now.',
      };
}
