import type { Account as OidcAccount, FindAccount } from 'oidc-provider';
import type { AccountRepository } from '../store/types.ts';

/** The standard claims a partner service may receive, by scope (see `claims` in provider config). */
export const CLAIMS_BY_SCOPE = {
  openid: ['sub'],
  profile: ['name', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
} as const;

export function findAccountIn(accounts: AccountRepository): FindAccount {
  return async (_ctx, id): Promise<OidcAccount | undefined> => {
    const account = await accounts.findById(id);
    if (!account) return undefined;
    return {
      accountId: account.id,
      // oidc-provider filters these down to the granted scopes and claims.
      claims: () => ({
        sub: account.id,
        name: account.name,
        email: account.email,
        email_verified: account.emailVerified,
        updated_at: Math.floor(account.updatedAt.getTime() / 1000),
      }),
    };
  };
}
