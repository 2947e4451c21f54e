// Partner services that depend on the user's password (e.g. an app that keeps the password for
// background refresh or widgets) are marked in their registration with
// `"tobira_password_dependent": true`. An always-passkey account has no password, so tobira refuses
// such a client for it: at sign-in (the consent step), at the token endpoint, userinfo and
// introspection, and by revoking its grants at switch-on. refusesClient is that one decision;
// the provider (oidc/), the pages (sign-in-refusal.ts) and the switch (service.ts) all ask it.
import type { ClientMetadata } from '../clients/clients-file.ts';
import type { Account } from '../store/types.ts';

export const PASSWORD_DEPENDENT = 'tobira_password_dependent';

/** A client's registration as configured (or as oidc-provider hands it back: client.metadata()). */
export type ClientRegistration = Readonly<Record<string, unknown>>;

/** True when `client` (undefined: unknown) may not be used with this account. */
export function refusesClient(account: Pick<Account, 'alwaysPasskey'>, client: ClientRegistration | undefined): boolean {
  return account.alwaysPasskey && client?.[PASSWORD_DEPENDENT] === true;
}

/** What the always-passkey rules need to know about the configured partner services. */
export interface ClientDirectory {
  /** The client's registration; undefined for an unknown client. */
  registration(clientId: string): ClientRegistration | undefined;
  /** The name users know the service by (client_name, else its id). */
  name(clientId: string): string;
}

export function clientDirectory(clients: readonly ClientMetadata[]): ClientDirectory {
  const byId = new Map(clients.map((client) => [client.client_id, client]));
  return {
    registration: (clientId) => byId.get(clientId),
    name: (clientId) => {
      const name = byId.get(clientId)?.client_name;
      return typeof name === 'string' && name ? name : clientId;
    },
  };
}
