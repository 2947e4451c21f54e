// Password reset by e-mail: a six-digit code proves the user receives the account's mail, then a
// new (strength-checked) password replaces the old one and every existing sign-in is ended. The
// first step answers the same whether or not the address has an account; an always-passkey
// account has no password, so its owner is mailed an explanation instead of a code.
//
// No lock-out button for strangers: mails are budgeted per address and per source (limits.ts's
// resetMails*), and the codes of the last RESET_CODE_SLOTS requests stay valid side by side, so a
// stranger's request never replaces the code the owner is about to type; each code takes a few
// wrong tries (one-time-codes) and then the owner asks again. Past the budget no code is made or
// mailed, and the page says to use one already received.
import { AccountDisabledError, AlwaysPasskeyOnError } from '../../accounts/errors.ts';
import type { AccessRevocation } from '../../accounts/access-revocation.ts';
import { normaliseEmail, type AccountService } from '../../accounts/account-service.ts';
import { acceptPassword, checkPasswordLength, type AcceptedPassword } from '../../accounts/password-policy.ts';
import type { AuditContext, AuditLog } from '../../audit/audit-log.ts';
import type { Lang } from '../../i18n/lang.ts';
import { LIMITS } from '../../limits/limits.ts';
import type { RateLimiter } from '../../limits/rate-limiter.ts';
import { MailBudgetSpentError, spendMail } from '../../limits/mail-budget.ts';
import type { Logger } from '../../log.ts';
import type { AccountNotifier } from '../../notify/account-notifier.ts';
import type { MailMessage, Mailer } from '../../notify/mailer.ts';
import { CodeExpiredError } from '../../one-time-codes/errors.ts';
import type { OneTimeCodeService } from '../../one-time-codes/one-time-code-service.ts';
import type { Account } from '../../store/types.ts';
import type { AddressProof } from './address-proof.ts';
import { passwordChangedNotice, resetCodeMail, resetOffMail } from './mails.ts';

export interface PasswordResetDeps {
  /** The writer of the password. */
  accounts: AccountService;
  codes: OneTimeCodeService;
  /** Counts reset mails (limits.ts's resetMailsPerAddress and resetMailsPerSource). */
  limiter: RateLimiter;
  mailer: Mailer;
  notifier: AccountNotifier;
  revocation: AccessRevocation;
  /** What the first proof of an account's address removes (address-proof.ts). */
  proof: AddressProof;
  audit: AuditLog;
  logger: Logger;
}

/** How many reset codes per address are valid at once: as many as the mail budget lets be sent. */
export const RESET_CODE_SLOTS = LIMITS.resetMailsPerAddress.cap;

/** The code of one request: an address's codes take turns in its slots, the oldest replaced first. */
const codeKey = (address: string, slot: number): string => `password-reset:${address}:${slot}`;
const codeKeys = (address: string): string[] => Array.from({ length: RESET_CODE_SLOTS }, (_, slot) => codeKey(address, slot));

export interface ResetStarted {
  /** The address, normalised. */
  address: string;
  /** False past the mail budget: no new code was made; one already received is to be used. */
  mailed: boolean;
}

export class PasswordResetService {
  readonly #deps: PasswordResetDeps;

  constructor(deps: PasswordResetDeps) {
    this.#deps = deps;
  }

  /**
   * Step 1. Within the mail budget a code is made for every address (so the next step behaves the
   * same for all of them) but mailed only to an account that may reset its password. The budget
   * is counted before anything is looked up, alike for every address.
   */
  async start(email: string, lang: Lang, audit: AuditContext): Promise<ResetStarted> {
    const address = normaliseEmail(email);
    let spent: number;
    try {
      spent = await spendMail(this.#deps.limiter, { perSource: 'resetMailsPerSource', perAddress: 'resetMailsPerAddress' }, address, audit.ip);
    } catch (err) {
      // The owner may hold codes a stranger had sent: the code step stays open to them.
      if (err instanceof MailBudgetSpentError) return { address, mailed: false };
      throw err;
    }
    const account = await this.#deps.accounts.findByEmail(address);
    // Distinct counts (race-safe) give requests in one window distinct slots.
    const code = await this.#deps.codes.issue(codeKey(address, (spent - 1) % RESET_CODE_SLOTS), address);
    if (!account) return { address, mailed: true };
    // No code and no mail, as for an address without an account: the page says the same either way.
    if (account.disabled !== null) {
      await this.#deps.audit.record('password_reset.refused', account.id, audit, { reason: 'account_disabled', step: 'request' });
      return { address, mailed: true };
    }
    if (account.alwaysPasskey) {
      this.#sendInBackground(account.id, resetOffMail(lang, address));
      await this.#deps.audit.record('password_reset.refused', account.id, audit, { reason: 'always_passkey', step: 'request' });
      return { address, mailed: true };
    }
    this.#sendInBackground(account.id, resetCodeMail(lang, address, code, this.#deps.codes.ttlMinutes));
    await this.#deps.audit.record('password_reset.requested', account.id, audit);
    return { address, mailed: true };
  }

  /**
   * Not awaited: an address without an account gets no mail, so waiting for the mail server (or
   * failing when it is down) would tell which addresses have accounts.
   */
  #sendInBackground(accountId: string, message: MailMessage): void {
    void this.#deps.mailer.send(message).catch((err: unknown) => {
      this.#deps.logger.error({ err, accountId }, 'password reset mail could not be sent');
    });
  }

  /**
   * Step 2: the code and the new password. Cheap before expensive: the code is checked first (its
   * try counted), and the password policy runs only for a right code, before the code is used, so
   * a weak password does not cost the code but does cost a try: it cannot be repeated for free.
   * Ends every sign-in of the account, also one made with the old password that still waits in
   * its interaction.
   */
  async complete(input: { address: string; code: string; password: string; lang: Lang; audit: AuditContext }): Promise<Account> {
    // The length rule costs nothing and needs no code: a too short password uses no try.
    checkPasswordLength(input.password);
    const account = await this.#deps.accounts.findByEmail(input.address);
    let accepted: AcceptedPassword | undefined;
    const target = await this.#deps.codes.verify(codeKeys(input.address), input.code, {
      // AccountService takes this verdict instead of checking again.
      beforeUse: async () => {
        accepted = await acceptPassword(input.password, account ? [account.email, account.name] : [input.address]);
      },
    });
    // Codes for addresses without an account are never sent; one cannot be right, but be sure.
    if (!account || !accepted || target !== account.email) throw new CodeExpiredError();
    // A code sent before the account was disabled: the address is proven, so its owner may be told.
    if (account.disabled !== null) {
      await this.#deps.audit.record('password_reset.refused', account.id, input.audit, { reason: 'account_disabled', step: 'complete' });
      throw new AccountDisabledError();
    }
    // Only while the mode is off: turning "Always passkey" on in the meantime wins.
    const updated = await this.#deps.accounts.setPassword(account, accepted);
    if (!updated) {
      await this.#deps.audit.record('password_reset.refused', account.id, input.audit, { reason: 'always_passkey', step: 'complete' });
      throw new AlwaysPasskeyOnError();
    }
    // The code reached the address: an account whose address was never proven keeps nothing added before.
    const proven = await this.#deps.proof.proven(updated, input.audit, input.lang);
    await this.#deps.revocation.revokeAll(account.id, input.audit, { reason: 'password_reset' });
    await this.#deps.audit.record('password.reset', account.id, input.audit);
    await this.#deps.notifier.notify(proven, passwordChangedNotice, input.lang);
    return proven;
  }
}
