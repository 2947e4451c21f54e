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

export const CONSOLE_CLIENT_ID = 'tobira-console';

/** The operator console signs operators in the same way, at /console/callback (src/console/). */
export function consoleClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: CONSOLE_CLIENT_ID,
    client_name: 'tobira console',
    redirect_uris: [`${issuer}/console/callback`],
    response_types: ['none'],
    grant_types: [],
    token_endpoint_auth_method: 'none',
    [FIRST_PARTY]: true,
  };
}

/** tobira's own clients: not partner services, so not listed among a user's connected services. */
export function isOwnClient(clientId: string | undefined): boolean {
  return clientId === ACCOUNT_CLIENT_ID || clientId === CONSOLE_CLIENT_ID;
}
