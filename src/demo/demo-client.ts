import { randomBytes } from 'node:crypto';
import type { ClientMetadata } from '../clients/clients-file.ts';
import type { SecretRepository } from '../store/types.ts';

export const DEMO_CLIENT_ID = 'tobira-demo';

/** The demo partner service's registration; its secret is generated once and kept in the store. */
export async function demoClientMetadata(issuer: string, secrets: SecretRepository): Promise<ClientMetadata> {
  const secret = await secrets.getOrInsert('demo-client-secret', randomBytes(32).toString('base64url'));
  return {
    client_id: DEMO_CLIENT_ID,
    client_secret: secret,
    client_name: 'tobira demo partner',
    redirect_uris: [`${issuer}/demo/callback`],
    post_logout_redirect_uris: [`${issuer}/demo`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
