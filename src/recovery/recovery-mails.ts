// The messages of lost-phone recovery. Those sent when an operator acts or after a request from
// someone who may not be the account holder cannot know the user's language: they are written in
// Japanese first, then English.
import type { Lang } from '../errors/app-error.ts';
import type { MailMessage } from '../notify/mailer.ts';
import type { Notice } from '../notify/account-notifier.ts';

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

/** After the enrolment link was used (in the language of the page it was used on): the old ways in are gone. */
export function recoveryCompletedNotice(lang: Lang): Notice {
  return lang === 'ja'
    ? {
      subject: 'tobira: アカウントを復旧しました',
      text: 'tobira アカウントの復旧が完了し、新しいパスキーが登録されました。\nそれまでのパスキーとスマートフォンは削除され、すべてのログイン中のセッション、連携サービスのトークン、信頼済みブラウザは無効になりました。\nお心当たりがない場合は、すぐにサポートへご連絡ください。\n',
      sms: 'tobira: アカウントを復旧しました。心当たりがなければすぐにサポートへご連絡ください。',
    }
    : {
      subject: 'tobira: your account was recovered',
      text: 'Your tobira account was recovered and a new passkey was registered.\nEvery earlier passkey and phone was removed, and every session, partner service token and trusted browser was revoked.\nIf this was not you, contact support immediately.\n',
      sms: 'tobira: your account was recovered. Not you? Contact support now.',
    };
}
