// What tobira sends during and after a phone change, in the user's language.
import type { Lang } from '../../i18n/lang.ts';
import type { Notice } from '../../notify/account-notifier.ts';
import type { MailMessage } from '../../notify/mailer.ts';
import type { SmsMessage } from '../../notify/sms-sender.ts';

export function phoneChangeCodeMail(lang: Lang, to: string, code: string, minutes: number): MailMessage {
  return lang === 'ja'
    ? { to, subject: `tobira 機種変更の確認コード: ${code}`, text: `tobira の機種変更の確認コードは ${code} です。\n${minutes} 分以内に、新しいスマートフォンの画面に入力してください。SMS でも別のコードを送っています。\n\nお心当たりがない場合は入力しないでください。誰かがあなたのアカウントを別のスマートフォンに移そうとしています。\n` }
    : { to, subject: `tobira phone change code: ${code}`, text: `Your tobira phone change code is ${code}.\nEnter it on your new phone within ${minutes} minutes. A second code was sent by SMS.\n\nIf you did not ask for it, do not enter it anywhere: someone is trying to move your account to another phone.\n` };
}

export function phoneChangeCodeSms(lang: Lang, to: string, code: string, minutes: number): SmsMessage {
  return lang === 'ja'
    ? { to, text: `tobira 機種変更の確認コード: ${code}（${minutes} 分間有効）。お心当たりがなければ入力しないでください。` }
    : { to, text: `tobira phone change code: ${code} (valid ${minutes} min). If you did not ask for it, do not enter it.` };
}

const IF_NOT_YOU = {
  ja: 'お心当たりがない場合は、すぐにアカウントメニュー（/account）でこのスマートフォンとパスキーを削除してください。ログインできない場合は、アカウントの復旧を申請してください。',
  en: 'If this was not you, remove this phone and its passkey in your account menu (/account) at once. If you cannot sign in, ask for account recovery.',
};

/** After a phone was set up to approve sign-ins (device.added). */
export function newPhoneNotice(lang: Lang, phone: string, when: string): Notice {
  return lang === 'ja'
    ? {
      subject: 'tobira: 新しいスマートフォンが設定されました',
      text: `あなたの tobira アカウントで、スマートフォン「${phone}」がログイン承認用に設定されました（${when}）。\n\n${IF_NOT_YOU.ja}\n`,
      sms: `tobira: スマートフォン「${phone}」がログイン承認用に設定されました。お心当たりがなければアカウントメニューで削除してください。`,
    }
    : {
      subject: 'tobira: a new phone was set up',
      text: `The phone "${phone}" was set up to approve sign-ins to your tobira account (${when}).\n\n${IF_NOT_YOU.en}\n`,
      sms: `tobira: the phone "${phone}" was set up to approve your sign-ins. If this was not you, remove it in your account menu.`,
    };
}

/** After a passkey was registered through a phone change's enrolment link. */
export function phoneChangePasskeyNotice(lang: Lang, when: string): Notice {
  return lang === 'ja'
    ? {
      subject: 'tobira: 機種変更で新しいパスキーが登録されました',
      text: `連絡先メールアドレスと連絡先携帯電話番号の確認コードによる機種変更で、あなたの tobira アカウントに新しいスマートフォンのパスキーが登録されました（${when}）。\n\n${IF_NOT_YOU.ja}\n`,
      sms: 'tobira: 機種変更で新しいパスキーが登録されました。お心当たりがなければアカウントメニューで削除してください。',
    }
    : {
      subject: 'tobira: a passkey was added for your new phone',
      text: `A passkey on a new phone was added to your tobira account through a phone change confirmed with the codes sent to your contact e-mail and mobile number (${when}).\n\n${IF_NOT_YOU.en}\n`,
      sms: 'tobira: a passkey for a new phone was added to your account. If this was not you, remove it in your account menu.',
    };
}
