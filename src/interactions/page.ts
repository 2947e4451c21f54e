// Rendering of the interaction pages, shared by the sign-in and sign-up routes.
import type { Context } from 'koa';
import { AppError } from '../errors/app-error.ts';
import { InteractionExpiredError } from '../errors/http-errors.ts';
import { csrfToken } from '../http/csrf.ts';
import { render } from '../http/render.ts';
import { langOf } from '../http/state.ts';
import { requiresPhishingResistant } from '../assurance/assurance.ts';
import type { InteractionDeps } from './deps.ts';
import { clientSummary, type InteractionDetails } from './load-interaction.ts';

export type InteractionView = 'login' | 'signup-email' | 'signup-code' | 'signup-passkey' | 'signup-password';

/** True when this authorization accepts only a passkey (the partner asked for acr phr). */
export function phrRequired(details: InteractionDetails): boolean {
  const claims = typeof details.params.claims === 'string' ? safeJson(details.params.claims) : undefined;
  return requiresPhishingResistant(details.params.acr_values, claims);
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
    loginHint: typeof details.params.login_hint === 'string' ? details.params.login_hint : '',
    error: error ? error.messages[langOf(ctx)] : undefined,
    errorCode: error?.code,
    values: {},
    ...extra,
  }, error?.status ?? 200);
}

/** Domain refusals on a form are shown on the form; anything else goes to the error edge. */
export async function onForm(ctx: Context, deps: InteractionDeps, details: InteractionDetails, view: InteractionView, values: Record<string, string>, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof AppError && err.status < 500 && !(err instanceof InteractionExpiredError)) {
      await showPage(ctx, deps, details, view, { values }, err);
      return;
    }
    throw err;
  }
}
