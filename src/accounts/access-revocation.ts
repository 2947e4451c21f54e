// Taking access away from an account's existing sign-ins: after a password reset or a lost-phone
// recovery, when a phone is removed, when a partner service is disconnected. Works on the stored
// oidc-provider models directly (through the port), so it reaches sessions and tokens on every
// tobira process at once.
import { withClock, type Clocked } from '../clock.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditContext, AuditLog } from '../audit/audit-log.ts';
import type { AccountRepository, ConsentRepository, Store, TrustedBrowserRepository } from '../store/types.ts';

/** Everything oidc-provider stores that lets a browser or a partner act for the account. */
const TOKEN_MODELS = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode', 'BackchannelAuthenticationRequest'] as const;

export interface RevokedAccess {
  sessions: number;
  tokens: number;
  trustedBrowsers: number;
}

export interface AccessRevocationDeps {
  accounts: Pick<AccountRepository, 'setSessionsValidFrom'>;
  oidc: Store['oidc'];
  trustedBrowsers: Pick<TrustedBrowserRepository, 'removeAllForAccount'>;
  consents: Pick<ConsentRepository, 'forget'>;
  audit: AuditLog;
  now?: () => number;
}

export class AccessRevocation {
  readonly #d: Clocked<AccessRevocationDeps>;

  constructor(deps: AccessRevocationDeps) {
    this.#d = withClock(deps);
  }

  /**
   * Ends every session of the account (the one making the change too), every access and refresh
   * token and pending code, and forgets every trusted browser. Grants (consents) stay, so partner
   * services need a new sign-in but no new consent.
   *
   * Sign-ins that finished but still wait in their interaction (the browser has not followed the
   * redirect back yet) are no stored session to destroy: the account's sessionsValidFrom voids
   * them (accounts/sign-in-counts.ts). Sign-in times are whole seconds, so the current second is
   * voided as a whole (a sign-in finished a moment before, in the same second, must not survive),
   * and this returns only once that second is over: a sign-in made after it (the new phone's
   * first, the new password's) falls in a later second and counts.
   */
  async revokeAll(accountId: string, audit: AuditContext, options: { reason: string }): Promise<RevokedAccess> {
    // First: an earlier sign-in that becomes a session while the rest runs is void all the same.
    const at = this.#d.now();
    const validFrom = Math.floor(at / 1000) + 1;
    await this.#d.accounts.setSessionsValidFrom(accountId, validFrom, new Date(at));
    const sessions = this.#d.oidc('Session');
    let sessionCount = 0;
    for (const { id } of await sessions.listByAccountId(accountId)) {
      await sessions.destroy(id);
      sessionCount += 1;
    }
    let tokenCount = 0;
    for (const model of TOKEN_MODELS) {
      const records = this.#d.oidc(model);
      for (const { id } of await records.listByAccountId(accountId)) {
        await records.destroy(id);
        tokenCount += 1;
      }
    }
    const trustedBrowsers = await this.#d.trustedBrowsers.removeAllForAccount(accountId);
    const revoked = { sessions: sessionCount, tokens: tokenCount, trustedBrowsers };
    await this.#d.audit.record('access.revoked', accountId, audit, { reason: options.reason, ...revoked });
    // At most a second, once per revocation (rare, and worth it: see above).
    const rest = validFrom * 1000 - this.#d.now();
    if (rest > 0) await sleep(rest);
    return revoked;
  }

  /** The account's grants (connected partner services), as oidc-provider stored them. */
  async grants(accountId: string): Promise<Array<{ id: string; clientId: string; createdAt: Date | null; scope: string }>> {
    const grants = await this.#d.oidc('Grant').listByAccountId(accountId);
    return grants.map(({ id, payload }) => {
      const openid = (payload as { openid?: { scope?: string } }).openid;
      return {
        id,
        clientId: String(payload.clientId ?? ''),
        createdAt: typeof payload.iat === 'number' ? new Date(payload.iat * 1000) : null,
        scope: openid?.scope ?? '',
      };
    });
  }

  /**
   * Disconnects one partner service: the grant, every token and code issued through it, and the
   * remembered consent. False when the grant is not the account's (nothing is touched then).
   */
  async revokeGrant(accountId: string, grantId: string, audit: AuditContext, reason = 'user'): Promise<boolean> {
    const grant = await this.#d.oidc('Grant').find(grantId);
    if (!grant || grant.accountId !== accountId) return false;
    for (const model of TOKEN_MODELS) await this.#d.oidc(model).revokeByGrantId(grantId);
    await this.#d.oidc('Grant').destroy(grantId);
    await this.#d.consents.forget(accountId, String(grant.clientId));
    await this.#d.audit.record('grant.revoked', accountId, audit, { grantId, client: grant.clientId, reason });
    return true;
  }
}
