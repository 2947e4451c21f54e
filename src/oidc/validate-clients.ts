import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { ConfigError } from '../config/config-error.ts';
import type { ClientMetadata } from '../clients/clients-file.ts';

/** Runs oidc-provider's own client validation on every configured client, at start. */
export async function validateClients(provider: Provider, clients: readonly ClientMetadata[], source: string): Promise<void> {
  for (const metadata of clients) {
    try {
      await provider.Client.validate(metadata);
    } catch (err) {
      if (err instanceof errors.InvalidClientMetadata) {
        const detail = err.error_description ?? err.message;
        throw new ConfigError(`${source} → client "${metadata.client_id}"`, detail, detail);
      }
      throw err;
    }
  }
}
