// Whether a sign-in still counts, wherever one is used: by the provider (a sign-in coming back from
// its interaction, or a session a partner relies on) and by the account menu. Two things void a
// sign-in that was valid when it was made:
// - a password sign-in of an account that has turned "Always passkey" on: the password is gone, so
//   nothing resting on it may be used, also a sign-in finished just before the switch that comes
//   back from its interaction only after it;
// - an operator disabled the account: no sign-in of it counts while it is disabled, whenever made;
// - revoking the account's access (password reset, lost-phone recovery, phone removal) voids every
//   sign-in made before it, including one that finished on the sign-in pages but still waits in its
//   interaction and would otherwise become a session later.
import { ACR } from '../assurance/assurance.ts';
import type { Account } from '../store/types.ts';

export interface SignInFacts {
  /** How the user signed in (assurance/assurance.ts ACR); undefined when unknown. */
  acr: string | undefined;
  /** When (epoch seconds, oidc-provider's session.loginTs); undefined when unknown. */
  loginTs: number | undefined;
}

/**
 * A sign-in dated strictly earlier than the account's sessionsValidFrom is void. A revocation sets
 * it to the second after its own and returns only once that second has begun
 * (accounts/access-revocation.ts), so a sign-in made right after it (the new phone's first passkey
 * sign-in) counts.
 */
export function signInCounts(account: Pick<Account, 'alwaysPasskey' | 'sessionsValidFrom' | 'disabled'>, signIn: SignInFacts): boolean {
  if (account.disabled !== null) return false;
  if (account.alwaysPasskey && signIn.acr === ACR.PASSWORD) return false;
  if (account.sessionsValidFrom === null) return true;
  return signIn.loginTs !== undefined && signIn.loginTs >= account.sessionsValidFrom;
}
