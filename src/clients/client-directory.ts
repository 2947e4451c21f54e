// What tobira's own rules read about the configured partner services, from the one configured
// client list (clients file, tobira's own account menu, the demo partner): each registration as
// configured, tobira's own flags included (always-passkey/policy.ts reads the one it owns), and the
// name users know a service by.
import type { ClientMetadata } from './clients-file.ts';

/** A client's registration as configured (or as oidc-provider hands it back: client.metadata()). */
export type ClientRegistration = Readonly<Record<string, unknown>>;

export interface ClientDirectory {
  /** The client's registration; undefined for an unknown client. */
  registration(clientId: string): ClientRegistration | undefined;
  /** The name users know the service by (client_name, else its id: a client gone from the configuration). */
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
