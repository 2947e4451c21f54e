// Whether a sign-in still counts: revoking an account's access (password reset, lost-phone
// recovery, phone removal) voids every sign-in made before it, including one that finished on the
// sign-in pages but still waits in its interaction and would otherwise become a session later.
import type { Account } from '../store/types.ts';

/**
 * `loginTs`: when the session signed in (epoch seconds, oidc-provider's session.loginTs). Strictly
 * earlier than the account's sessionsValidFrom is void. A revocation sets it to the second after
 * its own and returns only once that second has begun (accounts/access-revocation.ts), so a
 * sign-in made right after it (the new phone's first passkey sign-in) counts.
 */
export function sessionStillValid(account: Pick<Account, 'sessionsValidFrom'>, loginTs: number | undefined): boolean {
  if (account.sessionsValidFrom === null) return true;
  return loginTs !== undefined && loginTs >= account.sessionsValidFrom;
}
