// Ends an interaction and sends the browser back into the authorization flow. Every login method
// finishes through completeLogin, so acr/amr are always derived by oidc/assurance.ts.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { assuranceOf, type LoginMethod } from '../oidc/assurance.ts';

async function finish(ctx: Context, provider: Provider, result: InteractionResults): Promise<void> {
  const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  // Pages that call us with fetch() navigate themselves: a fetch must not follow this redirect
  // (the partner's redirect_uri is outside our CSP connect-src).
  if (ctx.accepts('html', 'json') === 'json') {
    ctx.body = { redirectTo };
    return;
  }
  ctx.status = 303;
  ctx.redirect(redirectTo);
}

export function completeLogin(ctx: Context, provider: Provider, accountId: string, method: LoginMethod): Promise<void> {
  const { acr, amr } = assuranceOf(method);
  return finish(ctx, provider, { login: { accountId, acr, amr, remember: true } });
}

export function completeConsent(ctx: Context, provider: Provider, grantId: string): Promise<void> {
  return finish(ctx, provider, { consent: { grantId } });
}

export function abortInteraction(ctx: Context, provider: Provider): Promise<void> {
  return finish(ctx, provider, { error: 'access_denied', error_description: 'End-User aborted interaction' });
}
