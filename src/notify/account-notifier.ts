// Security notices to everyone the account can be reached at: the sign-in e-mail, the verified
// contact e-mail and (by SMS) the verified contact mobile number. A notice is a courtesy on top of
// an action that has already happened, so a delivery failure is logged and never undoes the action.
import type { Lang } from '../i18n/lang.ts';
import type { Logger } from '../log.ts';
import type { Account } from '../store/types.ts';
import type { Mailer } from './mailer.ts';
import type { SmsSender } from './sms-sender.ts';

/** One notice in the user's language: a mail (subject + text) and a short SMS text. */
export interface Notice {
  subject: string;
  text: string;
  sms: string;
}

export class AccountNotifier {
  readonly #mailer: Mailer;
  readonly #sms: SmsSender;
  readonly #logger: Logger;

  constructor(mailer: Mailer, sms: SmsSender, logger: Logger) {
    this.#mailer = mailer;
    this.#sms = sms;
    this.#logger = logger;
  }

  /** The addresses a notice for this account goes to (sign-in e-mail first, no duplicates). */
  static recipients(account: Account): { emails: string[]; mobile: string | null } {
    const emails = [account.email];
    if (account.contactEmail && account.contactEmail.value !== account.email) emails.push(account.contactEmail.value);
    return { emails, mobile: account.contactMobile?.value ?? null };
  }

  async notify(account: Account, build: (lang: Lang) => Notice, lang: Lang): Promise<void> {
    const notice = build(lang);
    const { emails, mobile } = AccountNotifier.recipients(account);
    const deliveries = [
      ...emails.map((to) => this.#mailer.send({ to, subject: notice.subject, text: notice.text })),
      ...(mobile ? [this.#sms.send({ to: mobile, text: notice.sms })] : []),
    ];
    const results = await Promise.allSettled(deliveries);
    for (const result of results) {
      if (result.status === 'rejected') this.#logger.error({ err: result.reason, accountId: account.id, subject: notice.subject }, 'security notice could not be delivered');
    }
  }
}
