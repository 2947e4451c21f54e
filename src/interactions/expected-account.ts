import type { AccountService } from '../accounts/account-service.ts';
import type { InteractionDetails } from './load-interaction.ts';

/**
 * The account this sign-in must end up as, when the request already names one (`login_hint`,
 * e.g. the account menu asking its user to confirm who they are); null when anyone may sign in.
 */
export async function expectedAccountId(details: InteractionDetails, accounts: AccountService): Promise<string | null> {
  const hint = details.params.login_hint;
  if (typeof hint !== 'string' || !hint) return null;
  return (await accounts.findByEmail(hint))?.id ?? null;
}
