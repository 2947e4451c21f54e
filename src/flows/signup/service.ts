// Sign-up: prove the e-mail address with a one-time code, then register a passkey (or, on the
// password path, choose a password); only then does the account exist, so no account's address is
// ever unproven (no pre-hijacking). Every step answers the same whether or not the address already
// has an account: a code is made for it too but never sent (its owner is mailed "someone tried to
// sign up with your address" instead), and a code for it is refused like a wrong one.
import type { AuditContext } from '../../audit/audit-log.ts';
import type { Lang } from '../../i18n/lang.ts';
import { spendMail } from '../../limits/mail-budget.ts';
import { addressSubject } from '../../limits/subjects.ts';
import type { RateLimiter } from '../../limits/rate-limiter.ts';
import { alreadyRegisteredMail, signupCodeMail } from '../../notify/messages.ts';
import type { Mailer } from '../../notify/mailer.ts';
import { CodeInvalidError } from '../../one-time-codes/errors.ts';
import { SignupPasswordTriesSpentError } from './errors.ts';
import type { OneTimeCodeService } from '../../one-time-codes/one-time-code-service.ts';
import type { NewCredential, PasskeyService } from '../../passkeys/passkey-service.ts';
import { newWebAuthnUserId } from '../../store/new-account.ts';
import type { Account } from '../../store/types.ts';
import { normaliseEmail, type AccountService } from '../../accounts/account-service.ts';

export class PasswordlessSignup {
  readonly #accounts: AccountService;
  readonly #codes: OneTimeCodeService;
  readonly #mailer: Mailer;
  readonly #passkeys: PasskeyService;
  /** The mail budget (limits.ts's signupMailsPerAddress and signupMailsPerSource). */
  readonly #limiter: RateLimiter;

  constructor(deps: { accounts: AccountService; codes: OneTimeCodeService; mailer: Mailer; passkeys: PasskeyService; limiter: RateLimiter }) {
    this.#limiter = deps.limiter;
    this.#accounts = deps.accounts;
    this.#codes = deps.codes;
    this.#mailer = deps.mailer;
    this.#passkeys = deps.passkeys;
  }

  /**
   * Step 1: mails a code for `key` (one sign-up attempt) to the address. Returns the normalised
   * address. Every mail is budgeted first (MailBudgetSpentError), alike for every address.
   */
  async sendCode(key: string, email: string, lang: Lang, ip: string | null): Promise<string> {
    const address = normaliseEmail(email);
    await spendMail(this.#limiter, { perSource: 'signupMailsPerSource', perAddress: 'signupMailsPerAddress' }, address, ip);
    // Made for every address, so the code step behaves alike (same attempt limit, code_invalid
    // then code_expired) whether or not the address has an account.
    const code = await this.#codes.issue(key, address);
    if (await this.#accounts.findByEmail(address)) {
      await this.#mailer.send(alreadyRegisteredMail(lang, address));
      return address;
    }
    await this.#mailer.send(signupCodeMail(lang, address, code, this.#codes.ttlMinutes));
    return address;
  }

  /**
   * Step 2: the code proves the address. Returns it, for the next step. A registered address's
   * code was never sent: one that is right all the same is refused exactly like a wrong one.
   */
  async verifyCode(key: string, code: string): Promise<string> {
    const address = await this.#codes.verify(key, code);
    if (await this.#accounts.findByEmail(address)) throw new CodeInvalidError();
    return address;
  }

  /**
   * Counts one password tried on the sign-up of a proven `address` before its strength is judged:
   * only the holder of the mailbox gets here, so the cap bounds their strength checks and locks
   * nobody else out.
   */
  async spendPasswordTry(address: string): Promise<void> {
    const subject = addressSubject(address);
    if ((await this.#limiter.hit('signupPasswordTries', subject)).over) {
      throw new SignupPasswordTriesSpentError(await this.#limiter.retryAfterSeconds('signupPasswordTries', subject));
    }
  }

  /** A fresh WebAuthn user handle for the account about to be created. */
  newUserHandle(): string {
    return newWebAuthnUserId();
  }

  /** Step 3: the passkey is verified; create the account and store the passkey on it. */
  async complete(input: { email: string; name: string; userHandle: string; credential: NewCredential; lang: Lang; audit: AuditContext }): Promise<Account> {
    const account = await this.#accounts.signUpWithPasskey({ email: input.email, name: input.name, webauthnUserId: input.userHandle }, input.audit);
    await this.#passkeys.addPasskey(account, input.credential, input.lang, input.audit, 'signup');
    return account;
  }
}
