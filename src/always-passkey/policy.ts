// Which partner services an always-passkey account may not use: those that depend on a password
// (clients/client-directory.ts), because the account has none. The provider refuses them at
// sign-in and at the token endpoint; switching always passkey on revokes their grants.
import type { ClientDirectory } from '../clients/client-directory.ts';
import type { Account } from '../store/types.ts';

/** Whether this account may not sign in to this partner service. */
export function refusesClient(account: Pick<Account, 'alwaysPasskey'>, clientId: string, clients: Pick<ClientDirectory, 'isPasswordDependent'>): boolean {
  return account.alwaysPasskey && clients.isPasswordDependent(clientId);
}
