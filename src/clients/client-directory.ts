// What tobira's rules need to know about the configured partner services, from the one configured
// client list (clients file, tobira's own account menu, the demo partner): the name users know a
// service by, and the registration flags tobira adds to the standard metadata.
import type { ClientMetadata } from './clients-file.ts';

/**
 * Partner services that depend on the user's password (e.g. an app that keeps the password for
 * background refresh or widgets) are marked `"tobira_password_dependent": true`; an
 * always-passkey account has no password, so tobira refuses them for it (always-passkey/policy.ts).
 */
export const PASSWORD_DEPENDENT = 'tobira_password_dependent';

export function isPasswordDependent(metadata: Record<string, unknown> | undefined): boolean {
  return metadata?.[PASSWORD_DEPENDENT] === true;
}

export interface ClientDirectory {
  isPasswordDependent(clientId: string): boolean;
  /** The name users know the service by (client_name, else its id: a client gone from the configuration). */
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
