// What the account's contacts are told when "Always passkey" is switched. Texts:
// i18n/<lang>/mails.ts.
import { mailText } from '../i18n/mail-text.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Notice } from '../notify/account-notifier.ts';

export function alwaysPasskeyOnNotice(lang: Lang, revokedServices: readonly string[]): Notice {
  return mailText(lang).alwaysPasskeyOn({ revokedServices });
}

export function alwaysPasskeyOffNotice(lang: Lang): Notice {
  return mailText(lang).alwaysPasskeyOff();
}
