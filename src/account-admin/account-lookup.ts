// An operator looks one user account up (by its e-mail address or its id) and sees what its owner
// sees in the account menu: its status, passkeys, phones, trusted browsers, contacts and sign-in
// history. Every view of this personal data is audited (`account.viewed`: which operator looked at
// which account, and what was shown) before anything is returned, so no view goes unrecorded.
// Nothing secret is part of a view: no password hash, public key, push subscription, browser
// token hash or WebAuthn user handle.
import type { AccountService } from '../accounts/account-service.ts';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import type { DeviceService } from '../devices/device-service.ts';
import type { Lang } from '../i18n/lang.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import type { Account, AccountDisablement, VerifiedContact } from '../store/types.ts';
import { AccountLookupInvalidError, AccountLookupNoneError } from './errors.ts';

/** An account id as tobira makes them (a UUID), or any id an operator pasted: no e-mail, no spaces. */
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Long enough for any address (RFC 5321), with one @ and no spaces. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

/** One sign-in of the history, as the account menu shows it (account-menu/sign-in-history.ts). */
export interface SignInLine {
  at: Date;
  ok: boolean;
  method: string;
  service: string;
  browser: string;
  ip: string;
  place: string;
  reason: string | null;
}

/** What the account menu reads beside the services: the history and what a sign-out ends (wired in app/services.ts). */
export interface AccountMenuReads {
  history(accountId: string, lang: Lang): Promise<SignInLine[]>;
  /** Browsers signed in, partner services signed in (by name), trusted browsers: what "sign out everywhere" ends. */
  everySignIn(accountId: string): Promise<{ sessions: number; services: string[]; trustedBrowsers: number }>;
}

export interface AccountSummary {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  alwaysPasskey: boolean;
  hasPassword: boolean;
  disabled: AccountDisablement | null;
  createdAt: Date;
  updatedAt: Date;
  /** The latest successful sign-in in the history, or null. */
  lastSignInAt: Date | null;
}

export interface AccountView {
  account: AccountSummary;
  /** Passkeys; `phone` marks the passkey of a set-up phone. */
  passkeys: Array<{ credentialId: string; name: string; aaguid: string; synced: boolean; phone: boolean; createdAt: Date; lastUsedAt: Date | null }>;
  phones: Array<{ id: string; name: string; credentialId: string; createdAt: Date; lastSeenAt: Date }>;
  trustedBrowsers: Array<{ id: string; name: string; label: string; createdAt: Date; lastUsedAt: Date }>;
  contacts: { email: VerifiedContact | null; mobile: VerifiedContact | null };
  /** What signing out everywhere (or disabling) ends now. */
  signedIn: { sessions: number; services: string[]; trustedBrowsers: number };
  /** Newest first. */
  signIns: SignInLine[];
}

export interface AccountLookupDeps {
  accounts: Pick<AccountService, 'findById' | 'findByEmail'>;
  passkeys: Pick<PasskeyService, 'list'>;
  devices: Pick<DeviceService, 'list'>;
  trustedBrowsers: Pick<TrustedBrowserService, 'list'>;
  menu: AccountMenuReads;
  audit: AuditLog;
}

/** The lookup term, read: an e-mail address (it has an @) or an account id. AccountLookupInvalidError otherwise. */
export function lookupTerm(term: string): { email: string } | { id: string } {
  const trimmed = term.trim();
  if (trimmed.includes('@')) {
    if (!EMAIL.test(trimmed)) throw new AccountLookupInvalidError();
    return { email: trimmed };
  }
  if (!ACCOUNT_ID.test(trimmed)) throw new AccountLookupInvalidError();
  return { id: trimmed };
}

export class AccountLookup {
  readonly #d: AccountLookupDeps;

  constructor(deps: AccountLookupDeps) {
    this.#d = deps;
  }

  /** The account an e-mail address or id names; AccountLookupNoneError when none does. Not audited: it shows nothing but that. */
  async find(term: string): Promise<Account> {
    const parsed = lookupTerm(term);
    const account = 'email' in parsed ? await this.#d.accounts.findByEmail(parsed.email) : await this.#d.accounts.findById(parsed.id);
    if (!account) throw new AccountLookupNoneError();
    return account;
  }

  /** Everything an operator sees of the account, audited as `account.viewed` first. */
  async view(term: string, audit: AuditContext, lang: Lang): Promise<AccountView> {
    const account = await this.find(term);
    const view = await this.#read(account, lang);
    await this.#d.audit.record('account.viewed', account.id, audit, {
      shown: ['status', 'passkeys', 'phones', 'trusted_browsers', 'contacts', 'sign_in_history'],
      lookedUpBy: 'email' in lookupTerm(term) ? 'email' : 'id',
    });
    return view;
  }

  async #read(account: Account, lang: Lang): Promise<AccountView> {
    const [passkeys, phones, browsers, signedIn, signIns] = await Promise.all([
      this.#d.passkeys.list(account.id),
      this.#d.devices.list(account.id),
      this.#d.trustedBrowsers.list(account.id),
      this.#d.menu.everySignIn(account.id),
      this.#d.menu.history(account.id, lang),
    ]);
    const phoneCredentials = new Set(phones.map((phone) => phone.credentialId));
    return {
      account: summary(account, signIns.find((line) => line.ok)?.at ?? null),
      passkeys: passkeys.map((p) => ({ credentialId: p.credentialId, name: p.name, aaguid: p.aaguid, synced: p.backedUp, phone: phoneCredentials.has(p.credentialId), createdAt: p.createdAt, lastUsedAt: p.lastUsedAt })),
      phones: phones.map((d) => ({ id: d.id, name: d.name, credentialId: d.credentialId, createdAt: d.createdAt, lastSeenAt: d.lastSeenAt })),
      trustedBrowsers: browsers.map((b) => ({ id: b.id, name: b.name, label: b.label, createdAt: b.createdAt, lastUsedAt: b.lastUsedAt })),
      contacts: { email: account.contactEmail, mobile: account.contactMobile },
      signedIn,
      signIns,
    };
  }
}

/** The account's status without anything secret. */
export function summary(account: Account, lastSignInAt: Date | null = null): AccountSummary {
  return {
    id: account.id,
    email: account.email,
    emailVerified: account.emailVerified,
    name: account.name,
    alwaysPasskey: account.alwaysPasskey,
    hasPassword: account.passwordHash !== null,
    disabled: account.disabled,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    lastSignInAt,
  };
}
