// Ends an interaction and sends the browser back into the authorization flow. Every login method
// finishes through completeLogin, so acr/amr are always derived by oidc/assurance.ts.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { assuranceOf, type LoginMethod } from '../assurance/assurance.ts';

async function finish(ctx: Context, provider: Provider, result: InteractionResults, mergeWithLastSubmission = false): Promise<void> {
  const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
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
  // `ts`: the moment of the sign-in (oidc-provider's clock, epoch seconds). Without it the sign-in
  // would be dated when the interaction resumes, and a consent given later (merged into this
  // result) would make an old sign-in look fresh: a wrong auth_time, max_age and the 5-minute
  // re-authentication rule defeated.
  return finish(ctx, provider, { login: { accountId, acr, amr, remember: true, ts: Math.floor(Date.now() / 1000) } });
}

export function completeConsent(ctx: Context, provider: Provider, grantId: string): Promise<void> {
  // Keeps the login of the interaction before it: with prompt=login (a re-authentication) that
  // login must still count once consent is given, or the user is asked to sign in again.
  return finish(ctx, provider, { consent: { grantId } }, true);
}

export function abortInteraction(ctx: Context, provider: Provider): Promise<void> {
  return finish(ctx, provider, { error: 'access_denied', error_description: 'End-User aborted interaction' });
}

/** Ends the interaction with access_denied and a reason the partner service can log or show. */
export function denyInteraction(ctx: Context, provider: Provider, description: string): Promise<void> {
  return finish(ctx, provider, { error: 'access_denied', error_description: description });
}
