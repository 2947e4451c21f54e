// Partner services that depend on the user's password (e.g. an app that keeps the password for
// background refresh or widgets) are marked in their registration with
// `"tobira_password_dependent": true`. An always-passkey account has no password, so tobira refuses
// such a client for it: at sign-in, at the token endpoint, and by revoking its grants at switch-on.
import type { ClientMetadata } from '../clients/clients-file.ts';

export const PASSWORD_DEPENDENT = 'tobira_password_dependent';

export function isPasswordDependent(metadata: Record<string, unknown> | undefined): boolean {
  return metadata?.[PASSWORD_DEPENDENT] === true;
}

/** What the always-passkey rules need to know about the configured partner services. */
export interface ClientDirectory {
  isPasswordDependent(clientId: string): boolean;
  /** The name users know the service by (client_name, else its id). */
  name(clientId: string): string;
}

export function clientDirectory(clients: readonly ClientMetadata[]): ClientDirectory {
  const byId = new Map(clients.map((client) => [client.client_id, client]));
  return {
    isPasswordDependent: (clientId) => isPasswordDependent(byId.get(clientId)),
    name: (clientId) => {
      const name = byId.get(clientId)?.client_name;
      return typeof name === 'string' && name ? name : clientId;
    },
  };
}
