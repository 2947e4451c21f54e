// The notice to the account's addresses after a phone was removed in the account menu: the user
// did it themselves, so it is in the language of the page they used. Texts: i18n/<lang>/mails.ts.
import { mailText } from '../i18n/mail-text.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Notice } from '../notify/account-notifier.ts';

export function phoneRemovedNotice(lang: Lang, phoneName: string): Notice {
  return mailText(lang).phoneRemoved({ phone: phoneName });
}
