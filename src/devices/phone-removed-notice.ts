// The notice to the account's addresses after a phone was removed in the account menu: the user
// did it themselves, so it is in the language of the page they used.
import type { Lang } from '../i18n/lang.ts';
import type { Notice } from '../notify/account-notifier.ts';

export function phoneRemovedNotice(lang: Lang, phoneName: string): Notice {
  return lang === 'ja'
    ? {
      subject: 'tobira: スマートフォンを削除しました',
      text: `tobira アカウントからスマートフォン「${phoneName}」とそのパスキーを削除しました。\n安全のため、この操作をしたブラウザを含むすべてのログイン中のセッション、連携サービスのトークン、信頼済みブラウザを無効にしました。\nお心当たりがない場合は、すぐにサポートへご連絡ください。\n`,
      sms: `tobira: スマートフォン「${phoneName}」を削除し、すべてのログインを無効にしました。心当たりがなければサポートへ。`,
    }
    : {
      subject: 'tobira: a phone was removed from your account',
      text: `The phone "${phoneName}" and its passkey were removed from your tobira account.\nFor your safety every session (the browser that removed the phone too), every partner service token and every trusted browser of the account was revoked.\nIf this was not you, contact support immediately.\n`,
      sms: `tobira: phone "${phoneName}" was removed and all sign-ins were revoked. Not you? Contact support.`,
    };
}
