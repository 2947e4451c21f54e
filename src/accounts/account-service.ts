// The one owner of accounts: every change to an account (creating it, its password and sign-in
// mode, its contact details, its name) is made here, so each rule about them has one home. Other
// modules keep their own rules (when "Always passkey" may be turned on, what a contact change must
// prove) and ask this service to write. Knows nothing of HTTP.
import { withClock, type Clocked } from '../clock.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import { DuplicateKeyError } from '../store/errors.ts';
import type { Account, AccountRepository, ContactKind, VerifiedContact } from '../store/types.ts';
import { AccountAlreadyDisabledError, AccountNotDisabledError, AccountNotFoundError, AlwaysPasskeyOnError, EmailTakenError, InvalidCredentialsError } from './errors.ts';
import { requireCleanName } from '../names.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hasher.ts';
import { AcceptedPassword, acceptPassword, checkPasswordStrength } from './password-policy.ts';
import type { PasswordThrottle } from './password-throttle.ts';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface PasswordSignUp {
  /** Proven with a code (flows/signup): a password account's address is never unproven. */
  email: string;
  name: string;
  password: string;
}

export interface PasskeySignUp {
  /** Already normalised and proven with a code. */
  email: string;
  name: string;
  /** The user handle the sign-up's passkey was registered with. */
  webauthnUserId: string;
}

export interface AccountServiceDeps {
  accounts: AccountRepository;
  audit: AuditLog;
  /** Password guessing limits (per address and per source). */
  throttle: PasswordThrottle;
  now?: () => number;
}

export class AccountService {
  readonly #d: Clocked<AccountServiceDeps>;

  constructor(deps: AccountServiceDeps) {
    this.#d = withClock(deps);
  }

  findById(id: string): Promise<Account | undefined> {
    return this.#d.accounts.findById(id);
  }

  findByEmail(email: string): Promise<Account | undefined> {
    return this.#d.accounts.findByEmail(normaliseEmail(email));
  }

  /**
   * A new account with a password, which must pass the password policy (WeakPasswordError), for an
   * address the sign-up proved with a code.
   */
  async signUpWithPassword(input: PasswordSignUp, audit: AuditContext): Promise<Account> {
    const email = normaliseEmail(input.email);
    const name = requireCleanName(input.name.trim());
    // The cheap lookup first: the strength check can take much longer on a long password.
    if (await this.#d.accounts.findByEmail(email)) throw new EmailTakenError();
    await checkPasswordStrength(input.password, [email, name]);
    const passwordHash = await hashPassword(input.password);
    const account = await this.#create({ email, emailVerified: true, name, passwordHash });
    await this.#d.audit.record('account.created', account.id, audit, { method: 'password' });
    return account;
  }

  /** A new account without a password, whose first passkey the caller stores next. */
  async signUpWithPasskey(input: PasskeySignUp, audit: AuditContext): Promise<Account> {
    const account = await this.#create({ email: input.email, emailVerified: true, name: requireCleanName(input.name), passwordHash: null, webauthnUserId: input.webauthnUserId });
    await this.#d.audit.record('account.created', account.id, audit, { method: 'passkey' });
    return account;
  }

  async #create(input: Parameters<AccountRepository['create']>[0]): Promise<Account> {
    try {
      return await this.#d.accounts.create(input);
    } catch (err) {
      // Two sign-ups racing for one address: the unique index decides.
      if (err instanceof DuplicateKeyError) throw new EmailTakenError();
      throw err;
    }
  }

  /**
   * The account whose password this is. The try is counted first, per address and per source
   * `ip` (SignInThrottledError over a limit), before anything is looked up or the slow hash runs;
   * a right password clears the address's count.
   */
  async signInWithPassword(email: string, password: string, ip: string | null): Promise<Account> {
    await this.#d.throttle.count(email, ip);
    const account = await this.#d.accounts.findByEmail(normaliseEmail(email));
    const ok = account?.passwordHash
      ? await verifyPassword(account.passwordHash, password)
      : await verifyAgainstDummy(password);
    // Read again after the slow check: "Always passkey" turned on (or the password changed) while it
    // ran must win over the password as it was.
    const current = account ? await this.#d.accounts.findById(account.id) : undefined;
    // Checked after the (dummy) verification, so the answer takes as long as any other refusal.
    if (account?.alwaysPasskey || current?.alwaysPasskey) throw new AlwaysPasskeyOnError();
    if (!account || !current || !ok || current.passwordHash !== account.passwordHash) throw new InvalidCredentialsError();
    await this.#d.throttle.clear(email);
    return current;
  }

  /**
   * A new password (password reset), policy-checked against the account's e-mail and name. Only
   * while "Always passkey" is off: undefined when it was turned on meanwhile (or the account is gone).
   * The reset proved the address, so password tries for it start over (the owner's unlock).
   */
  async setPassword(account: Account, password: string | AcceptedPassword): Promise<Account | undefined> {
    const personal = [account.email, account.name];
    // A verdict the policy gave for this account's words stands; anything else is checked now.
    const accepted = password instanceof AcceptedPassword && password.holdsFor(personal) ? password : await acceptPassword(typeof password === 'string' ? password : password.value, personal);
    const passwordHash = await hashPassword(accepted.value);
    const updated = await this.#d.accounts.setSignInMode(account.id, { passwordHash, alwaysPasskey: false }, this.#at(), false);
    if (updated) await this.#d.throttle.clear(updated.email);
    return updated;
  }

  /**
   * Deletes the password and keeps the sign-in mode as `account` has it; undefined when the mode
   * changed meanwhile (or the account is gone).
   */
  removePassword(account: Account): Promise<Account | undefined> {
    return this.#d.accounts.setSignInMode(account.id, { passwordHash: null, alwaysPasskey: account.alwaysPasskey }, this.#at(), account.alwaysPasskey);
  }

  /** Deletes the password and sets "Always passkey"; undefined when it was on already (or the account is gone). */
  turnAlwaysPasskeyOn(accountId: string): Promise<Account | undefined> {
    return this.#d.accounts.setSignInMode(accountId, { passwordHash: null, alwaysPasskey: true }, this.#at(), false);
  }

  /**
   * Clears "Always passkey" with a new password, policy-checked against the account's e-mail and
   * name. Only while it is on (two tabs cannot both set a password): undefined otherwise.
   */
  async turnAlwaysPasskeyOff(account: Account, newPassword: string): Promise<Account | undefined> {
    await checkPasswordStrength(newPassword, [account.email, account.name]);
    const passwordHash = await hashPassword(newPassword);
    return this.#d.accounts.setSignInMode(account.id, { passwordHash, alwaysPasskey: false }, this.#at(), true);
  }

  /** Stores a proven contact (its proof is the caller's rule). AccountNotFoundError when gone. */
  saveContact(accountId: string, kind: ContactKind, value: string): Promise<Account> {
    const at = this.#at();
    return this.#found(this.#d.accounts.setContact(accountId, kind, { value, verifiedAt: at } satisfies VerifiedContact, at));
  }

  removeContact(accountId: string, kind: ContactKind): Promise<Account> {
    return this.#found(this.#d.accounts.setContact(accountId, kind, null, this.#at()));
  }

  /**
   * The sign-in address was proven by a code sent to it (a password reset of an account whose
   * address never was). Undefined when it was proven already, or the account is gone: only the
   * first proof gets the account, so its clean-up (flows/password-reset/address-proof.ts) runs once.
   */
  async markEmailProven(account: Account, audit: AuditContext, via: string): Promise<Account | undefined> {
    const updated = await this.#d.accounts.setEmailVerified(account.id, this.#at());
    if (updated) await this.#d.audit.record('account.email_proven', account.id, audit, { via });
    return updated;
  }

  /** The display name partner services receive as `name`. */
  async changeName(account: Account, name: string, audit: AuditContext): Promise<Account> {
    const updated = await this.#found(this.#d.accounts.setName(account.id, requireCleanName(name), this.#at()));
    await this.#d.audit.record('profile.name_changed', account.id, audit, { from: account.name, to: name });
    return updated;
  }

  /**
   * An operator disables the account: from now on it cannot sign in by any method and no sign-in
   * of it counts (sign-in-counts.ts). Ending its existing sessions and tokens is the caller's next
   * step (AccessRevocation.revokeAll). AccountAlreadyDisabledError when it was disabled already,
   * also by another operator a moment ago.
   */
  async disable(accountId: string, reason: string, audit: AuditContext): Promise<Account> {
    const at = this.#at();
    const updated = await this.#d.accounts.setDisabled(accountId, { at, by: audit.actor, reason }, at);
    if (!updated) throw (await this.#d.accounts.findById(accountId)) ? new AccountAlreadyDisabledError() : new AccountNotFoundError();
    await this.#d.audit.record('account.disabled', accountId, audit, { reason });
    return updated;
  }

  /** Lets a disabled account sign in again (its old sessions stay ended). AccountNotDisabledError when it was not disabled. */
  async enable(accountId: string, audit: AuditContext): Promise<Account> {
    const before = await this.#d.accounts.findById(accountId);
    if (!before) throw new AccountNotFoundError();
    const updated = await this.#d.accounts.setDisabled(accountId, null, this.#at());
    if (!updated) throw (await this.#d.accounts.findById(accountId)) ? new AccountNotDisabledError() : new AccountNotFoundError();
    await this.#d.audit.record('account.enabled', accountId, audit, { disabledAt: before.disabled?.at ?? null, disabledBy: before.disabled?.by ?? null });
    return updated;
  }

  #at(): Date {
    return new Date(this.#d.now());
  }

  async #found(update: Promise<Account | undefined>): Promise<Account> {
    const updated = await update;
    if (!updated) throw new AccountNotFoundError();
    return updated;
  }
}
