// The new-sign-in notice, in the user's language: what signed in where, and what to do if it was
// not the user. Texts: i18n/<lang>/mails.ts.
import { mailText } from '../i18n/mail-text.ts';
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

export function newSignInNotice(lang: Lang, facts: SignInFacts): Notice {
  const text = mailText(lang);
  return text.newSignIn({ at: facts.at, service: facts.service, browser: facts.browser, where: text.signInWhere(facts), method: facts.method, accountUrl: facts.accountUrl });
}
