import type { Account as OidcAccount, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
import { auditContextOf } from '../http/audit-context.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Account, AccountRepository } from '../store/types.ts';
import type { ClientDirectory } from '../clients/client-directory.ts';
import { refusesClient } from '../always-passkey/policy.ts';

/**
 * Refuses tokens of password-dependent partner services for always-passkey accounts at the token
 * endpoint (refresh, code, device and CIBA grants) and at userinfo, even a token that escaped the
 * revocation made when the mode was turned on. Returns true when refused (and audited).
 */
export type TokenGuard = (ctx: KoaContextWithOIDC, account: Account, clientId: string) => Promise<boolean>;

export function passwordDependentGuard(audit: AuditLog, clients: ClientDirectory): TokenGuard {
  return async (ctx, account, clientId) => {
    if (!refusesClient(account, clients.registration(clientId))) return false;
    // Refused all the same when the audit store is down (AuditLog logs that).
    await audit.record('token.refused', account.id, auditContextOf(ctx, `client:${clientId}`), { reason: 'password_dependent_client', client: clientId, endpoint: ctx.oidc.route ?? '' });
    return true;
  };
}

/** The standard claims a partner service may receive, by scope (see `claims` in provider config). */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
} as const;

export function findAccountIn(accounts: AccountRepository, guard?: TokenGuard): FindAccount {
  return async (ctx, id, token): Promise<OidcAccount | undefined> => {
    const account = await accounts.findById(id);
    // A disabled account gets no code, token or userinfo, also from a token that escaped its revocation.
    if (!account || account.disabled !== null) return undefined;
    // `token` is what a grant or userinfo is redeeming; sign-ins load the account without one.
    const clientId = token?.clientId;
    if (guard && typeof clientId === 'string' && await guard(ctx, account, clientId)) return undefined;
    return {
      accountId: account.id,
      // oidc-provider filters these down to the granted scopes and claims.
      claims: () => ({
        sub: account.id,
        name: account.name,
        email: account.email,
        // True once a code sent to the address proved it: every sign-up since issue 10, and a
        // password reset of an older password account (flows/password-reset/address-proof.ts).
        email_verified: account.emailVerified,
        // The `phone` scope: the contact mobile number, which is proven by a code before it is
        // stored (contacts/); none is claimed for an account without one.
        ...(account.contactMobile ? { phone_number: account.contactMobile.value, phone_number_verified: true } : {}),
        updated_at: Math.floor(account.updatedAt.getTime() / 1000),
      }),
    };
  };
}
