// Tells everyone the account can be reached at that a new phone came in: when a phone is set up to
// approve sign-ins, and when a phone change's enrolment link added a passkey. Someone who took
// over the account this way cannot keep it quiet.
import type { Lang } from '../i18n/lang.ts';
import { dateTimeFormat } from '../i18n/format-time.ts';
import type { AccountNotifier } from '../notify/account-notifier.ts';
import type { Account, AccountRepository, Device } from '../store/types.ts';
import { newPhoneNotice, phoneChangePasskeyNotice } from '../flows/phone-change/mails.ts';

export class NewPhoneNotices {
  readonly #accounts: AccountRepository;
  readonly #notifier: AccountNotifier;
  readonly #timeZone: string;

  constructor(deps: { accounts: AccountRepository; notifier: AccountNotifier; displayTimeZone: string }) {
    this.#accounts = deps.accounts;
    this.#notifier = deps.notifier;
    this.#timeZone = deps.displayTimeZone;
  }

  phoneSetUp(account: Account, device: Device, lang: Lang): Promise<void> {
    return this.#notifier.notify(account, (l) => newPhoneNotice(l, device.name, this.#when(device.createdAt, l)), lang);
  }

  async passkeyEnrolled(accountId: string, at: Date, lang: Lang): Promise<void> {
    const account = await this.#accounts.findById(accountId);
    if (account) await this.#notifier.notify(account, (l) => phoneChangePasskeyNotice(l, this.#when(at, l)), lang);
  }

  #when(at: Date, lang: Lang): string {
    return dateTimeFormat(lang, this.#timeZone).format(at);
  }
}
