// Partner services that depend on the user's password (e.g. an app that keeps the password for
// background refresh or widgets) are marked in their registration with
// `"tobira_password_dependent": true`. An always-passkey account has no password, so tobira refuses
// such a client for it: at sign-in (the consent step), at the token endpoint, userinfo and
// introspection, and by revoking its grants at switch-on. refusesClient is that one decision;
// the provider (oidc/), the refusal page (interactions/password-dependent-refusal.ts) and the
// switch (service.ts) all ask it.
import type { ClientRegistration } from '../clients/client-directory.ts';
import type { Account } from '../store/types.ts';

export const PASSWORD_DEPENDENT = 'tobira_password_dependent';

/** True when `client` (undefined: unknown) may not be used with this account. */
export function refusesClient(account: Pick<Account, 'alwaysPasskey'>, client: ClientRegistration | undefined): boolean {
  return account.alwaysPasskey && client?.[PASSWORD_DEPENDENT] === true;
}
