// The messages of lost-phone recovery. Those sent when an operator acts or after a request from
// someone who may not be the account holder cannot know the user's language: they are written in
// Japanese first, then English.
import type { Lang } from '../../i18n/lang.ts';
import type { MailMessage } from '../../notify/mailer.ts';
import type { Notice } from '../../notify/account-notifier.ts';

function both(ja: string, en: string): string {
  return `${ja}\n\n----\n\n${en}`;
}

function hoursOf(ttlSeconds: number): number {
  return Math.max(1, Math.round(ttlSeconds / 3600));
}

/** The one-time enrolment link an operator's approval sends to the account's verified contact. */
export function enrolmentLinkMail(to: string, link: string, ttlSeconds: number): MailMessage {
  const hours = hoursOf(ttlSeconds);
  return {
    to,
    subject: 'tobira: アカウント復旧のご案内 / Recover your account',
    text: both(
      `tobira アカウントの復旧申請が承認されました。\n次のリンクを新しいスマートフォンで開き、パスキーを登録してください（${hours} 時間有効、1 回のみ使用できます）。\n\n${link}\n\n登録が終わると、それまでのパスキー、スマートフォン、ログイン中のセッション、信頼済みブラウザはすべて無効になります。\nお心当たりがない場合は、このリンクを開かずにサポートへご連絡ください。\n`,
      `Your request to recover your tobira account was approved.\nOpen this link on your new phone and register a passkey (valid for ${hours} hours, usable once):\n\n${link}\n\nWhen you do, every earlier passkey, phone, session and trusted browser of the account stops working.\nIf you did not ask for this, do not open the link and contact support.\n`,
    ),
  };
}

export function enrolmentLinkSms(link: string, ttlSeconds: number): string {
  const hours = hoursOf(ttlSeconds);
  return `tobira: アカウント復旧用リンク / account recovery link (${hours}h, once): ${link}`;
}

/** To the account's own addresses when someone files a recovery request naming it. */
export function recoveryRequestedNotice(): Notice {
  return {
    subject: 'tobira: アカウント復旧の申請がありました / A recovery request was filed',
    text: both(
      'あなたの tobira アカウントについて、スマートフォン紛失による復旧の申請がありました。担当者が内容を確認します。\nご自身で申請した場合は、このメールへの対応は不要です。お心当たりがない場合は、サポートへご連絡ください。\n',
      'Someone asked to recover your tobira account because the phone was lost. An operator will review the request.\nIf it was you, there is nothing else to do. If it was not you, contact support.\n',
    ),
    sms: 'tobira: アカウント復旧の申請がありました。心当たりがなければサポートへ。/ A recovery request was filed for your account. Not you? Contact support.',
  };
}

/** What the completion notice tells: whether a password was removed, and the contacts the account has now. */
export interface RecoveredAccount {
  passwordRemoved: boolean;
  email: string;
  contactEmail: string | null;
  contactMobile: string | null;
}

function completedNotice(account: RecoveredAccount, lang: Lang): Notice {
  if (lang === 'ja') {
    return {
      subject: 'tobira: アカウントを復旧しました',
      text: [
        'tobira アカウントの復旧が完了し、新しいパスキーが登録されました。',
        'それまでのパスキーとスマートフォンは削除され、すべてのログイン中のセッション、連携サービスのトークン、信頼済みブラウザは無効になりました。',
        ...(account.passwordRemoved ? ['アカウントのパスワードも削除しました（スマートフォンを手にした人が設定した可能性があるためです）。新しいパスキーでログインしてください。'] : []),
        '',
        'スマートフォンを手にした人が連絡先を変更した可能性があります。いまアカウントに登録されている連絡先を確認してください。',
        `  ログイン用メールアドレス: ${account.email}`,
        `  連絡先メールアドレス: ${account.contactEmail ?? 'なし'}`,
        `  連絡先の携帯電話番号: ${account.contactMobile ?? 'なし'}`,
        '心当たりのない連絡先があれば、アカウントメニューで変更してください。',
        '',
        'お心当たりがない場合は、すぐにサポートへご連絡ください。',
        '',
      ].join('\n'),
      sms: `tobira: アカウントを復旧しました。${account.passwordRemoved ? 'パスワードは削除しました。' : ''}登録されている連絡先を確認してください。心当たりがなければすぐにサポートへご連絡ください。`,
    };
  }
  return {
    subject: 'tobira: your account was recovered',
    text: [
      'Your tobira account was recovered and a new passkey was registered.',
      'Every earlier passkey and phone was removed, and every session, partner service token and trusted browser was revoked.',
      ...(account.passwordRemoved ? ['The account\'s password was removed too: whoever had your phone could have set it. Sign in with your new passkey.'] : []),
      '',
      'Whoever had your phone could have changed your contact details. Please check the contact details your account has now:',
      `  Sign-in e-mail: ${account.email}`,
      `  Contact e-mail: ${account.contactEmail ?? 'none'}`,
      `  Contact mobile: ${account.contactMobile ?? 'none'}`,
      'If one of them is not yours, change it in the account menu.',
      '',
      'If this was not you, contact support immediately.',
      '',
    ].join('\n'),
    sms: `tobira: your account was recovered.${account.passwordRemoved ? ' Its password was removed.' : ''} Please check your contact details. Not you? Contact support now.`,
  };
}

/**
 * After the recovery clean-up: the old ways in are gone. In the language of the page the link was
 * used on; when an operator finished the clean-up (no page), in Japanese first, then English.
 */
export function recoveryCompletedNotice(account: RecoveredAccount, lang: Lang | 'both'): Notice {
  if (lang !== 'both') return completedNotice(account, lang);
  const ja = completedNotice(account, 'ja');
  const en = completedNotice(account, 'en');
  return { subject: `${ja.subject} / ${en.subject}`, text: both(ja.text, en.text), sms: `${ja.sms} / ${en.sms}` };
}
