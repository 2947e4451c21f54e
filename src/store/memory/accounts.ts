// Accounts in memory. Every update checks and writes with no await in between, so within the
// process it is atomic, as the mongo store's single-document updates are.
import { DuplicateKeyError } from '../errors.ts';
import { newAccount } from '../new-account.ts';
import type { Account, AccountDisablement, AccountRepository, ContactKind, NewAccount, SignInMode, VerifiedContact } from '../types.ts';
import { copyRecord } from '../copy.ts';
import { footprintOf, type Footprint } from './footprint.ts';

export class MemoryAccounts implements AccountRepository {
  readonly #now: () => number;
  readonly #byId = new Map<string, Account>();
  readonly #idByEmail = new Map<string, string>();

  constructor(now: () => number) {
    this.#now = now;
  }

  async create(input: NewAccount): Promise<Account> {
    if (this.#idByEmail.has(input.email)) throw new DuplicateKeyError('email');
    const account = newAccount(input, this.#now());
    this.#byId.set(account.id, account);
    this.#idByEmail.set(account.email, account.id);
    return copyRecord(account);
  }

  async findById(id: string): Promise<Account | undefined> {
    const account = this.#byId.get(id);
    return account ? copyRecord(account) : undefined;
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    const id = this.#idByEmail.get(email);
    return id === undefined ? undefined : this.findById(id);
  }

  /** Applies `change` to the stored account (no await in between: atomic within the process). */
  #update(id: string, at: Date, change: Partial<Account>, expect?: (account: Account) => boolean): Account | undefined {
    const account = this.#byId.get(id);
    if (!account || (expect && !expect(account))) return undefined;
    Object.assign(account, copyRecord(change), { updatedAt: new Date(at) });
    return copyRecord(account);
  }

  async setSignInMode(id: string, mode: SignInMode, at: Date, expectAlwaysPasskey?: boolean): Promise<Account | undefined> {
    return this.#update(id, at, { passwordHash: mode.passwordHash, alwaysPasskey: mode.alwaysPasskey },
      expectAlwaysPasskey === undefined ? undefined : (account) => account.alwaysPasskey === expectAlwaysPasskey);
  }

  async setContact(id: string, kind: ContactKind, contact: VerifiedContact | null, at: Date): Promise<Account | undefined> {
    return this.#update(id, at, kind === 'email' ? { contactEmail: contact } : { contactMobile: contact });
  }

  async setName(id: string, name: string, at: Date): Promise<Account | undefined> {
    return this.#update(id, at, { name });
  }

  async setEmailVerified(id: string, at: Date): Promise<Account | undefined> {
    return this.#update(id, at, { emailVerified: true }, (account) => !account.emailVerified);
  }

  async setSessionsValidFrom(id: string, epochSeconds: number, at: Date): Promise<Account | undefined> {
    const movesForward = (account: Account): boolean => account.sessionsValidFrom === null || account.sessionsValidFrom < epochSeconds;
    return this.#update(id, at, { sessionsValidFrom: epochSeconds }, movesForward) ?? this.findById(id);
  }

  async setDisabled(id: string, disabled: AccountDisablement | null, at: Date): Promise<Account | undefined> {
    return this.#update(id, at, { disabled }, (account) => (account.disabled === null) !== (disabled === null));
  }

  footprint(): Footprint {
    return footprintOf(this.#byId.values());
  }
}
