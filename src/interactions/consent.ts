// Records what the user allowed a partner service to see, as an oidc-provider Grant, and, when the
// user asks, remembers it for the account and partner (store/ports/consents.ts).
import type Provider from 'oidc-provider';
import type { ConsentRepository } from '../store/types.ts';
import type { InteractionDetails } from './load-interaction.ts';

export interface ConsentDecision {
  remember: boolean;
  grantTtlSeconds: number;
}

/** Grants every scope and claim the prompt asked for; returns the grant id. */
export async function grantConsent(provider: Provider, consents: ConsentRepository, details: InteractionDetails, decision: ConsentDecision): Promise<string> {
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in account');
  const clientId = String(details.params.client_id);
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });

  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  if (decision.remember) {
    const now = Date.now();
    await consents.remember({
      accountId,
      clientId,
      scope: grant.getOIDCScope(),
      claims: grant.getOIDCClaims(),
      rememberedAt: new Date(now),
      expiresAt: new Date(now + decision.grantTtlSeconds * 1000),
    });
  } else {
    await consents.forget(accountId, clientId);
  }
  return grantId;
}

/** The scopes to list on the consent page (openid is implied and not shown on its own). */
export function requestedScopes(details: InteractionDetails): string[] {
  const missing = (details.prompt.details as { missingOIDCScope?: string[] }).missingOIDCScope;
  const scopes = missing ?? String(details.params.scope ?? '').split(' ');
  return scopes.filter((s) => s && s !== 'openid');
}
