// What an operator may do to a user account, each step audited with the operator as the actor and
// answered with what it ended:
// - sign out everywhere: every session, every partner's access and refresh token and pending code,
//   every trusted browser (AccessRevocation.revokeAll; grants stay, so partners need a new sign-in
//   but no new consent);
// - disable: the account cannot sign in by any method and no sign-in of it counts
//   (AccountService.disable), then everything above ends. Disabling is written first, so a sign-in
//   racing the revocation is void all the same. An operator cannot disable their own account;
// - enable: it may sign in again (what was ended stays ended);
// - start recovery: a pending recovery request for the account (RecoveryService.startForAccount),
//   decided in the recovery queue like any other.
import type { AccessRevocation, RevokedAccess } from '../accounts/access-revocation.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { AuditContext } from '../audit/audit-log.ts';
import type { RecoveryService } from '../flows/recovery/service.ts';
import type { RecoveryRequest } from '../store/types.ts';
import { summary, type AccountLookup, type AccountSummary } from './account-lookup.ts';
import { AccountDisableSelfError } from './errors.ts';

export interface AccountActionsDeps {
  lookup: Pick<AccountLookup, 'find'>;
  accounts: Pick<AccountService, 'disable' | 'enable'>;
  revocation: Pick<AccessRevocation, 'revokeAll'>;
  recovery: Pick<RecoveryService, 'startForAccount'>;
}

/** The account after the step and what the step ended. */
export interface AccountActionResult {
  account: AccountSummary;
  ended: RevokedAccess;
}

const NOTHING_ENDED: RevokedAccess = { sessions: 0, tokens: 0, trustedBrowsers: 0 };

export class AccountActions {
  readonly #d: AccountActionsDeps;

  constructor(deps: AccountActionsDeps) {
    this.#d = deps;
  }

  async signOutEverywhere(term: string, audit: AuditContext): Promise<AccountActionResult> {
    const account = await this.#d.lookup.find(term);
    const ended = await this.#d.revocation.revokeAll(account.id, audit, { reason: 'operator_sign_out' });
    return { account: summary(account), ended };
  }

  /** `operatorAccountId`: the acting operator's own account, when they have one (refused: AccountDisableSelfError). */
  async disable(term: string, reason: string, audit: AuditContext, operatorAccountId: string | null): Promise<AccountActionResult> {
    const account = await this.#d.lookup.find(term);
    if (account.id === operatorAccountId) throw new AccountDisableSelfError();
    const disabled = await this.#d.accounts.disable(account.id, reason, audit);
    const ended = await this.#d.revocation.revokeAll(account.id, audit, { reason: 'account_disabled' });
    return { account: summary(disabled), ended };
  }

  async enable(term: string, audit: AuditContext): Promise<AccountActionResult> {
    const account = await this.#d.lookup.find(term);
    const enabled = await this.#d.accounts.enable(account.id, audit);
    return { account: summary(enabled), ended: NOTHING_ENDED };
  }

  async startRecovery(term: string, note: string, audit: AuditContext): Promise<{ account: AccountSummary; request: RecoveryRequest }> {
    const account = await this.#d.lookup.find(term);
    const request = await this.#d.recovery.startForAccount(account, note, audit);
    return { account: summary(account), request };
  }
}
