// The messages of contact verification: the code (by mail or SMS), and the security notice to the
// addresses the account had before a contact was added, changed or removed.
import type { Lang } from '../i18n/lang.ts';
import type { MailMessage } from '../notify/mailer.ts';
import type { Notice } from '../notify/account-notifier.ts';
import type { SmsMessage } from '../notify/sms-sender.ts';
import type { ContactKind } from '../store/types.ts';

export function contactCodeMail(lang: Lang, to: string, code: string, minutes: number): MailMessage {
  return lang === 'ja'
    ? { to, subject: `tobira 確認コード: ${code}`, text: `tobira の連絡用メールアドレスを確認するためのコードは ${code} です。\n${minutes} 分以内にアカウント画面で入力してください。このコードを誰にも教えないでください。\n\nお心当たりがない場合は、このメールを破棄してください。\n` }
    : { to, subject: `tobira verification code: ${code}`, text: `Your code to confirm this address as your tobira contact e-mail is ${code}.\nEnter it in your account menu within ${minutes} minutes. Never give this code to anyone.\n\nIf you did not ask for it, ignore this e-mail.\n` };
}

export function contactCodeSms(lang: Lang, to: string, code: string, minutes: number): SmsMessage {
  return lang === 'ja'
    ? { to, text: `tobira 確認コード: ${code}（${minutes} 分間有効）。誰にも教えないでください。` }
    : { to, text: `tobira code: ${code} (valid ${minutes} min). Never share it.` };
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

const KIND: Record<Lang, Record<ContactKind, string>> = {
  ja: { email: '連絡用メールアドレス', mobile: '連絡用携帯電話番号' },
  en: { email: 'contact e-mail address', mobile: 'contact mobile number' },
};

export function contactChangedNotice(lang: Lang, change: ContactChange): Notice {
  const what = KIND[lang][change.kind];
  const masked = change.masked ?? '';
  if (lang === 'ja') {
    const headline = { added: `${what}が登録されました`, changed: `${what}が変更されました`, removed: `${what}が削除されました` }[change.action];
    const detail = change.action === 'removed' ? '' : `（新しい${what}: ${masked}）`;
    return {
      subject: `tobira: ${headline}`,
      text: `tobira アカウントの${headline}${detail}。日時: ${change.at}\n\nお心当たりがない場合は、すぐに ${change.accountUrl} でログイン履歴・信頼済みブラウザ・連絡先を確認し、パスキーやパスワードを見直してください。\n`,
      sms: `tobira: ${headline}。心当たりがなければ ${change.accountUrl} を確認してください。`,
    };
  }
  const headline = { added: `a ${what} was added`, changed: `your ${what} was changed`, removed: `your ${what} was removed` }[change.action];
  const detail = change.action === 'removed' ? '' : ` (new ${what}: ${masked})`;
  return {
    subject: `tobira: ${headline}`,
    text: `On your tobira account, ${headline}${detail}. Time: ${change.at}\n\nIf this was not you, open ${change.accountUrl} now: check your sign-in history, trusted browsers and contact details, and review your passkeys and password.\n`,
    sms: `tobira: ${headline}. Not you? Check ${change.accountUrl}`,
  };
}
