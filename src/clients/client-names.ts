// The name a user knows a partner service by (its registered client_name), for the account menu and
// notices. A client that is gone from the configuration is shown by its id.
import type Provider from 'oidc-provider';

export type ClientNameLookup = (clientId: string) => Promise<string>;

export function clientNameLookup(provider: Provider): ClientNameLookup {
  return async (clientId) => {
    const client = await provider.Client.find(clientId).catch(() => undefined);
    return client?.clientName ?? clientId;
  };
}
