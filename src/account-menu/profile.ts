// The user's own profile: the display name partner services receive as `name`.
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import { AccountNotFoundError } from '../accounts/errors.ts';
import type { Account, AccountRepository } from '../store/types.ts';

export class Profile {
  readonly #accounts: AccountRepository;
  readonly #audit: AuditLog;
  readonly #now: () => number;

  constructor(accounts: AccountRepository, audit: AuditLog, now: () => number = Date.now) {
    this.#accounts = accounts;
    this.#audit = audit;
    this.#now = now;
  }

  async changeName(account: Account, name: string, audit: AuditContext): Promise<Account> {
    const updated = await this.#accounts.setName(account.id, name, new Date(this.#now()));
    if (!updated) throw new AccountNotFoundError();
    await this.#audit.record('profile.name_changed', account.id, audit, { from: account.name, to: name });
    return updated;
  }
}
