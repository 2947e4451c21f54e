// The new-sign-in notice, in the user's language: what signed in where, and what to do if it was
// not the user.
import type { Lang } from '../i18n/lang.ts';
import type { Notice } from '../notify/account-notifier.ts';

export interface SignInFacts {
  /** Formatted for the reader. */
  at: string;
  service: string;
  browser: string;
  ip: string;
  place: string;
  method: 'password' | 'passkey' | 'push';
  accountUrl: string;
}

const METHOD: Record<Lang, Record<SignInFacts['method'], string>> = {
  ja: { password: 'パスワード', passkey: 'パスキー', push: 'スマートフォンへの通知' },
  en: { password: 'password', passkey: 'passkey', push: 'phone notification' },
};

export function newSignInNotice(lang: Lang, facts: SignInFacts): Notice {
  const where = [facts.ip, facts.place].filter(Boolean).join(lang === 'ja' ? '、' : ', ');
  if (lang === 'ja') {
    return {
      subject: 'tobira: 新しいブラウザからログインがありました',
      text: [
        'あなたの tobira アカウントに、これまで信頼済みでなかったブラウザからログインがありました。',
        '',
        `日時: ${facts.at}`,
        `サービス: ${facts.service}`,
        `ブラウザ: ${facts.browser}`,
        `IP アドレス・場所: ${where}`,
        `方法: ${METHOD.ja[facts.method]}`,
        '',
        'ご自身のログインであれば、対応は不要です。',
        `お心当たりがない場合は、すぐに ${facts.accountUrl} を開き、ログイン履歴を確認して、信頼済みブラウザと連携中のサービスを解除し、パスワードを変更するか「いつもパスキー設定」をオンにしてください。`,
        '',
      ].join('\n'),
      sms: `tobira: 新しいブラウザ（${facts.browser}）から${facts.service}にログインがありました。心当たりがなければ ${facts.accountUrl} を確認してください。`,
    };
  }
  return {
    subject: 'tobira: new sign-in from a browser',
    text: [
      'Someone signed in to your tobira account from a browser that was not trusted before.',
      '',
      `Time: ${facts.at}`,
      `Service: ${facts.service}`,
      `Browser: ${facts.browser}`,
      `IP address and place: ${where}`,
      `Method: ${METHOD.en[facts.method]}`,
      '',
      'If this was you, there is nothing to do.',
      `If it was not you, open ${facts.accountUrl} now: check your sign-in history, revoke trusted browsers and connected services you do not know, and change your password or turn on always passkey.`,
      '',
    ].join('\n'),
    sms: `tobira: new sign-in to ${facts.service} from ${facts.browser}. Not you? Check ${facts.accountUrl}`,
  };
}
