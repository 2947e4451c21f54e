// Clients that belong to tobira's operator (e.g. tobira's own account menu) are marked in their
// registration with `"tobira_first_party": true`; users are not asked to consent to them.
import type { ClientMetadata } from './clients-file.ts';

export const FIRST_PARTY = 'tobira_first_party';

export const ACCOUNT_CLIENT_ID = 'tobira-account';

/** The account menu signs users in through the provider like any client, with response_type none. */
export function accountClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'tobira',
    redirect_uris: [`${issuer}/account/callback`],
    response_types: ['none'],
    grant_types: [],
    token_endpoint_auth_method: 'none',
    [FIRST_PARTY]: true,
  };
}
