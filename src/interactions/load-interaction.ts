import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { InteractionExpiredError } from '../errors/http-errors.ts';

export type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The interaction behind /interaction/:uid, checked against this browser's interaction cookie.
 * Expired, unknown or someone else's interactions all become InteractionExpiredError.
 */
export async function loadInteraction(ctx: Context, provider: Provider): Promise<InteractionDetails> {
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    if (err instanceof errors.SessionNotFound) throw new InteractionExpiredError();
    throw err;
  }
  if (details.uid !== ctx.params.uid) throw new InteractionExpiredError();
  return details;
}

export interface ClientSummary {
  clientId: string;
  name: string;
  logoUri: string | undefined;
  policyUri: string | undefined;
  tosUri: string | undefined;
}

/** What the pages show about the partner service that sent the user here. */
export async function clientSummary(provider: Provider, details: InteractionDetails): Promise<ClientSummary> {
  const clientId = String(details.params.client_id);
  const client = await provider.Client.find(clientId);
  return {
    clientId,
    name: client?.clientName ?? clientId,
    logoUri: client?.logoUri,
    policyUri: client?.policyUri,
    tosUri: client?.tosUri,
  };
}
