// Rules for the account's contact details (contact e-mail, contact mobile number): an address is
// stored only after the user typed back a one-time code sent to it, and every change is told to
// the addresses the account had before, so a takeover that swaps the contacts does not go unseen.
import { withClock, type Clocked } from '../clock.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { Lang } from '../i18n/lang.ts';
import { dateTimeFormat } from '../i18n/format-time.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import type { Logger } from '../log.ts';
import type { AccountNotifier } from '../notify/account-notifier.ts';
import type { Mailer } from '../notify/mailer.ts';
import type { SmsSender } from '../notify/sms-sender.ts';
import { CodeExpiredError, CodeInvalidError, TooManyAttemptsError } from '../one-time-codes/errors.ts';
import type { OneTimeCodeService } from '../one-time-codes/one-time-code-service.ts';
import type { Account, ContactKind } from '../store/types.ts';
import { maskContact, normaliseContact } from './contact-format.ts';
import { contactChangedNotice, contactCodeMail, contactCodeSms } from './contact-mails.ts';
import { CodeNotDeliveredError, ContactNotSetError, TooManyCodesError } from './errors.ts';

export interface ContactServiceDeps {
  /** The writer of the contacts, once this service's rules allow the change. */
  accounts: AccountService;
  codes: OneTimeCodeService;
  /** Counts the codes sent (limits.ts's contactCodes: SMS cost money and can be abused for spam). */
  limiter: RateLimiter;
  mailer: Mailer;
  sms: SmsSender;
  notifier: AccountNotifier;
  audit: AuditLog;
  logger: Logger;
  accountUrl: string;
  displayTimeZone: string;
  now?: () => number;
}

export class ContactService {
  readonly #d: Clocked<ContactServiceDeps>;

  constructor(deps: ContactServiceDeps) {
    this.#d = withClock(deps);
  }

  get codeTtlMinutes(): number {
    return this.#d.codes.ttlMinutes;
  }

  static codeKey(kind: ContactKind, accountId: string): string {
    return `contact:${kind}:${accountId}`;
  }

  /** Sends a code to the (normalised) address; returns the address. Nothing is stored on the account yet. */
  async sendCode(account: Account, kind: ContactKind, input: string, lang: Lang, audit: AuditContext): Promise<string> {
    const target = normaliseContact(kind, input);
    // Counted before deciding (the count is race-safe): requests sent all at once cannot pass a
    // read of the count together and send more than the limit.
    if ((await this.#d.limiter.hit('contactCodes', `${kind}:${account.id}`)).over) throw new TooManyCodesError();
    const code = await this.#d.codes.issue(ContactService.codeKey(kind, account.id), target);
    const minutes = this.#d.codes.ttlMinutes;
    try {
      if (kind === 'email') await this.#d.mailer.send(contactCodeMail(lang, target, code, minutes));
      else await this.#d.sms.send(contactCodeSms(lang, target, code, minutes));
    } catch (err) {
      this.#d.logger.error({ err, accountId: account.id, kind }, 'contact code could not be delivered');
      throw new CodeNotDeliveredError({ cause: err });
    }
    await this.#d.audit.record('contact.code_sent', account.id, audit, { kind, to: target });
    return target;
  }

  /** Where the live code for this contact went, if there is one. */
  async pendingTarget(accountId: string, kind: ContactKind): Promise<string | undefined> {
    return this.#d.codes.pendingTarget(ContactService.codeKey(kind, accountId));
  }

  /** The code proves the address: stores it as the verified contact and tells the previous addresses. */
  async verify(account: Account, kind: ContactKind, code: string, lang: Lang, audit: AuditContext): Promise<Account> {
    let value: string;
    try {
      value = await this.#d.codes.verify(ContactService.codeKey(kind, account.id), code);
    } catch (err) {
      if (err instanceof CodeInvalidError || err instanceof CodeExpiredError || err instanceof TooManyAttemptsError) {
        await this.#d.audit.record('contact.verify_failed', account.id, audit, { kind, reason: err.code });
      }
      throw err;
    }
    const at = new Date(this.#d.now());
    const updated = await this.#d.accounts.saveContact(account.id, kind, value);
    const previous = kind === 'email' ? account.contactEmail : account.contactMobile;
    await this.#d.audit.record('contact.verified', account.id, audit, { kind, value, replaced: previous?.value ?? null });
    if (previous?.value !== value) this.#tell(account, kind, previous ? 'changed' : 'added', value, at, lang);
    return updated;
  }

  async remove(account: Account, kind: ContactKind, lang: Lang, audit: AuditContext): Promise<Account> {
    const previous = kind === 'email' ? account.contactEmail : account.contactMobile;
    if (!previous) throw new ContactNotSetError();
    const at = new Date(this.#d.now());
    const updated = await this.#d.accounts.removeContact(account.id, kind);
    await this.#d.audit.record('contact.removed', account.id, audit, { kind, value: previous.value });
    this.#tell(account, kind, 'removed', null, at, lang);
    return updated;
  }

  /**
   * The notice goes to the account as it was before the change (sign-in e-mail and the old
   * contacts), in the background: the change is done, a slow mail server must not hold the page.
   */
  #tell(before: Account, kind: ContactKind, action: 'added' | 'changed' | 'removed', value: string | null, at: Date, lang: Lang): void {
    const { accountUrl, displayTimeZone } = this.#d;
    void this.#d.notifier.notify(before, (l) => contactChangedNotice(l, {
      kind,
      action,
      ...(value ? { masked: maskContact(kind, value) } : {}),
      at: dateTimeFormat(l, displayTimeZone).format(at),
      accountUrl,
    }), lang).catch((err: unknown) => {
      this.#d.logger.error({ err, accountId: before.id }, 'contact change notice failed');
    });
  }
}
