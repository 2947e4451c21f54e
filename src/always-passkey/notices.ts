// What the account's contacts are told when "Always passkey" is switched.
import type { Lang } from '../i18n/lang.ts';
import type { Notice } from '../notify/account-notifier.ts';

export function alwaysPasskeyOnNotice(lang: Lang, revokedServices: readonly string[]): Notice {
  const services = revokedServices.join(lang === 'ja' ? '、' : ', ');
  return lang === 'ja'
    ? {
        subject: 'tobira: 「いつもパスキー設定」をオンにしました',
        text: 'あなたの tobira アカウントの「いつもパスキー設定」がオンになりました。パスワードは削除され、今後はパスキー（生体認証・画面ロック）またはスマートフォンへの通知でのみログインできます。\n'
          + (services ? `パスワードが必要なサービス（${services}）との連携は解除しました。\n` : '')
          + '\nお心当たりがない場合は、すぐにパスキーでログインしてアカウントを確認してください。\n',
        sms: 'tobira: 「いつもパスキー設定」がオンになりました。心当たりがない場合はすぐにアカウントを確認してください。',
      }
    : {
        subject: 'tobira: Always passkey was turned on',
        text: '"Always passkey" was turned on for your tobira account. Your password was deleted; from now on you sign in only with a passkey (biometrics or screen lock) or a notification to your phone.\n'
          + (services ? `Services that need a password (${services}) were disconnected.\n` : '')
          + '\nIf this was not you, sign in with your passkey now and check your account.\n',
        sms: 'tobira: "Always passkey" was turned on. If this was not you, check your account now.',
      };
}

export function alwaysPasskeyOffNotice(lang: Lang): Notice {
  return lang === 'ja'
    ? {
        subject: 'tobira: 「いつもパスキー設定」をオフにしました',
        text: 'あなたの tobira アカウントの「いつもパスキー設定」がオフになり、新しいパスワードが設定されました。パスワードでもログインできるようになりました。\n\nお心当たりがない場合は、すぐにパスキーでログインしてアカウントを確認してください。\n',
        sms: 'tobira: 「いつもパスキー設定」がオフになり、パスワードが設定されました。心当たりがない場合はすぐにアカウントを確認してください。',
      }
    : {
        subject: 'tobira: Always passkey was turned off',
        text: '"Always passkey" was turned off for your tobira account and a new password was set: the account can sign in with a password again.\n\nIf this was not you, sign in with your passkey now and check your account.\n',
        sms: 'tobira: "Always passkey" was turned off and a password was set. If this was not you, check your account now.',
      };
}
