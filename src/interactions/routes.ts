// The pages a user sees between a partner's authorization request and the redirect back:
// sign-in, sign-up, consent. Routes parse input, call one service and render or redirect.
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import { AppError } from '../errors/app-error.ts';
import { InteractionExpiredError } from '../errors/http-errors.ts';
import { parseBody } from '../http/body.ts';
import { csrfToken, requireCsrf } from '../http/csrf.ts';
import { render } from '../http/render.ts';
import type { RequestState } from '../http/state.ts';
import type { ConsentRepository } from '../store/types.ts';
import { grantConsent, requestedScopes } from './consent.ts';
import { abortInteraction, completeConsent, completeLogin } from './finish.ts';
import { consentForm, parseForm, passwordLoginForm, passwordSignUpForm } from './forms.ts';
import { clientSummary, loadInteraction, type InteractionDetails } from './load-interaction.ts';

export interface InteractionDeps {
  provider: Provider;
  accounts: AccountService;
  consents: ConsentRepository;
  bodyLimitBytes: number;
  grantTtlSeconds: number;
}

type View = 'login' | 'signup';

/** Re-shows a form with the refusal's message (in the page's language) instead of an error page. */
async function showForm(ctx: Context, deps: InteractionDeps, details: InteractionDetails, view: View, extra: Record<string, unknown> = {}, error?: AppError): Promise<void> {
  await render(ctx, view, {
    uid: details.uid,
    client: await clientSummary(deps.provider, details),
    csrf: csrfToken(ctx),
    error: error ? error.messages[(ctx.state as RequestState).lang] : undefined,
    errorCode: error?.code,
    values: {},
    ...extra,
  }, error?.status ?? 200);
}

/** Domain refusals on a form are shown on the form; anything else goes to the error edge. */
async function onForm(ctx: Context, deps: InteractionDeps, details: InteractionDetails, view: View, values: Record<string, string>, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof AppError && err.status < 500 && !(err instanceof InteractionExpiredError)) {
      await showForm(ctx, deps, details, view, { values }, err);
      return;
    }
    throw err;
  }
}

export function interactionRoutes(deps: InteractionDeps): Router {
  const { provider } = deps;
  const router = new Router({ prefix: '/interaction/:uid' });
  const form = [parseBody(deps.bodyLimitBytes), requireCsrf()];

  router.get('/', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    if (details.prompt.name === 'login') {
      await showForm(ctx, deps, details, 'login');
      return;
    }
    if (details.prompt.name === 'consent') {
      const account = details.session?.accountId ? await deps.accounts.findById(details.session.accountId) : undefined;
      await render(ctx, 'consent', {
        uid: details.uid,
        client: await clientSummary(provider, details),
        scopes: requestedScopes(details),
        email: account?.email ?? '',
        csrf: csrfToken(ctx),
      });
      return;
    }
    throw new InteractionExpiredError();
  });

  router.get('/signup', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    await showForm(ctx, deps, details, 'signup');
  });

  router.post('/password', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const body = ctx.request.body as Record<string, string>;
    await onForm(ctx, deps, details, 'login', { email: String(body.email ?? '') }, async () => {
      const input = parseForm(passwordLoginForm, body);
      const account = await deps.accounts.signInWithPassword(input.email, input.password);
      await completeLogin(ctx, provider, account.id, { kind: 'password' });
    });
  });

  router.post('/signup', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const body = ctx.request.body as Record<string, string>;
    await onForm(ctx, deps, details, 'signup', { email: String(body.email ?? ''), name: String(body.name ?? '') }, async () => {
      const input = parseForm(passwordSignUpForm, body);
      const account = await deps.accounts.signUpWithPassword(input);
      await completeLogin(ctx, provider, account.id, { kind: 'password' });
    });
  });

  router.post('/consent', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    if (details.prompt.name !== 'consent') throw new InteractionExpiredError();
    const input = parseForm(consentForm, ctx.request.body);
    const grantId = await grantConsent(provider, deps.consents, details, { remember: input.remember === 'on', grantTtlSeconds: deps.grantTtlSeconds });
    await completeConsent(ctx, provider, grantId);
  });

  router.post('/abort', ...form, async (ctx) => {
    await loadInteraction(ctx, provider);
    await abortInteraction(ctx, provider);
  });

  return router;
}
