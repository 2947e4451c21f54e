// Password reset by e-mail: a six-digit code proves the user receives the account's mail, then a
// new (strength-checked) password replaces the old one and every existing sign-in is ended. The
// first step answers the same whether or not the address has an account; an always-passkey
// account has no password, so its owner is mailed an explanation instead of a code.
import { AlwaysPasskeyOnError } from '../../accounts/errors.ts';
import type { AccessRevocation } from '../../accounts/access-revocation.ts';
import { normaliseEmail, type AccountService } from '../../accounts/account-service.ts';
import { acceptPassword } from '../../accounts/password-policy.ts';
import type { AuditContext, AuditLog } from '../../audit/audit-log.ts';
import type { Lang } from '../../i18n/lang.ts';
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
  mailer: Mailer;
  notifier: AccountNotifier;
  revocation: AccessRevocation;
  /** What the first proof of an account's address removes (address-proof.ts). */
  proof: AddressProof;
  audit: AuditLog;
  logger: Logger;
}

/** One key per address: the attempt limit holds across new codes and across browsers. */
const codeKey = (address: string): string => `password-reset:${address}`;

export class PasswordResetService {
  readonly #deps: PasswordResetDeps;

  constructor(deps: PasswordResetDeps) {
    this.#deps = deps;
  }

  /**
   * Step 1. A code is made for every address (so the next step behaves the same for all of them)
   * but mailed only to an account that may reset its password. Returns the normalised address.
   */
  async start(email: string, lang: Lang, audit: AuditContext): Promise<string> {
    const address = normaliseEmail(email);
    const account = await this.#deps.accounts.findByEmail(address);
    const code = await this.#deps.codes.issue(codeKey(address), address);
    if (!account) return address;
    if (account.alwaysPasskey) {
      this.#sendInBackground(account.id, resetOffMail(lang, address));
      await this.#deps.audit.record('password_reset.refused', account.id, audit, { reason: 'always_passkey', step: 'request' });
      return address;
    }
    this.#sendInBackground(account.id, resetCodeMail(lang, address, code, this.#deps.codes.ttlMinutes));
    await this.#deps.audit.record('password_reset.requested', account.id, audit);
    return address;
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
   * Step 2: the code and the new password. The password is checked before the code is used, so a
   * weak one does not cost the code. Ends every sign-in of the account, also one made with the old
   * password that still waits in its interaction.
   */
  async complete(input: { address: string; code: string; password: string; lang: Lang; audit: AuditContext }): Promise<Account> {
    const account = await this.#deps.accounts.findByEmail(input.address);
    // The password policy, asked here first (and for an address without an account too, so every
    // address answers alike); AccountService takes its verdict instead of checking again.
    const accepted = acceptPassword(input.password, account ? [account.email, account.name] : [input.address]);
    const target = await this.#deps.codes.verify(codeKey(input.address), input.code);
    // Codes for addresses without an account are never sent; one cannot be right, but be sure.
    if (!account || target !== account.email) throw new CodeExpiredError();
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
