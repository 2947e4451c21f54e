// Rendering of the interaction pages, shared by the sign-in and sign-up routes.
import { refusalOnPage, showingRefusals } from '../http/form-refusal.ts';
import type { Context } from 'koa';
import type { AppError } from '../errors/app-error.ts';
import { InteractionExpiredError } from '../errors/http-errors.ts';
import { csrfToken } from '../http/csrf.ts';
import { render } from '../http/render.ts';
import { requiresPhishingResistant, requiresTypedPush } from '../assurance/assurance.ts';
import { isOwnClient } from '../clients/first-party.ts';
import { isReauthReason, REAUTH_REASON_PARAM, type ReauthReason } from '../http/reauth-reason.ts';
import type { InteractionDeps } from './deps.ts';
import { clientSummary, type InteractionDetails } from './load-interaction.ts';

export type InteractionView = 'login' | 'signup-email' | 'signup-code' | 'signup-passkey' | 'signup-password';

/** True when this authorization accepts only a passkey (the partner asked for acr phr). */
export function phrRequired(details: InteractionDetails): boolean {
  const claims = typeof details.params.claims === 'string' ? safeJson(details.params.claims) : undefined;
  return requiresPhishingResistant(details.params.acr_values, claims);
}

/**
 * True when this authorization accepts a passkey or a push approval with the number typed, nothing
 * weaker (the partner asked for acr urn:tobira:acr:push:typed): no password, and the phone makes
 * the user type the six digits.
 */
export function typedPushRequired(details: InteractionDetails): boolean {
  const claims = typeof details.params.claims === 'string' ? safeJson(details.params.claims) : undefined;
  return requiresTypedPush(details.params.acr_values, claims);
}

/**
 * Why tobira's own account pages sent the user to sign in again, or undefined for any other
 * sign-in: only tobira's own clients' requests count (a partner cannot dress its sign-in up as
 * tobira's step-up), and only a known reason.
 */
export function reauthReason(details: InteractionDetails): ReauthReason | undefined {
  if (!isOwnClient(typeof details.params.client_id === 'string' ? details.params.client_id : undefined)) return undefined;
  const reason = details.params[REAUTH_REASON_PARAM];
  return isReauthReason(reason) ? reason : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Shows an interaction page; with `error`, the refusal's message in the page's language. */
export async function showPage(ctx: Context, deps: InteractionDeps, details: InteractionDetails, view: InteractionView, extra: Record<string, unknown> = {}, error?: AppError): Promise<void> {
  await render(ctx, view, {
    uid: details.uid,
    client: await clientSummary(deps.provider, details),
    csrf: csrfToken(ctx),
    phrRequired: phrRequired(details),
    typedPushRequired: typedPushRequired(details),
    reauthReason: reauthReason(details),
    loginHint: typeof details.params.login_hint === 'string' ? details.params.login_hint : '',
    ...refusalOnPage(ctx, error),
    values: {},
    ...extra,
  }, error?.status ?? 200);
}

/** Domain refusals on a form are shown on the form; anything else goes to the error edge. */
export async function onForm(ctx: Context, deps: InteractionDeps, details: InteractionDetails, view: InteractionView, values: Record<string, string>, action: () => Promise<void>): Promise<void> {
  // An expired interaction cannot be fixed on its page: the error edge says to start again.
  await showingRefusals(action, (error) => showPage(ctx, deps, details, view, { values }, error), (error) => !(error instanceof InteractionExpiredError));
}
