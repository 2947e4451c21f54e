// The pages between a partner's authorization request and the redirect back: sign-in and
// consent. Sign-up and the passkey JSON steps have routers of their own beside this one.
import Router from '@koa/router';
import { PasskeyRequiredError, StrongerSignInRequiredError } from '../accounts/errors.ts';
import { auditContextOf } from '../http/audit-context.ts';
import { AppError } from '../errors/app-error.ts';
import { InteractionExpiredError } from '../errors/http-errors.ts';
import type { RequestState } from '../http/state.ts';
import { csrfToken } from '../http/csrf.ts';
import { render } from '../http/render.ts';
import { FIRST_PARTY } from '../clients/first-party.ts';
import { grantConsent, requestedScopes } from './consent.ts';
import { INTERACTION_PATH, type InteractionDeps } from './deps.ts';
import { abortInteraction, completeConsent, finishSignIn } from './finish.ts';
import { parseForm } from '../http/forms.ts';
import { consentForm, passwordLoginForm } from './forms.ts';
import { clientSummary, loadInteraction } from './load-interaction.ts';
import { onForm, phrRequired, showPage, typedPushRequired } from './page.ts';
import { passkeyRoutes } from './passkey-routes.ts';
import { planRoutes } from './plan-route.ts';
import { passwordDependentRoutes, refusedAsPasswordDependent } from './password-dependent-refusal.ts';

export type { InteractionDeps };

export function interactionRoutes(deps: InteractionDeps): Router<RequestState> {
  const { provider } = deps;
  const router = new Router<RequestState>({ prefix: INTERACTION_PATH });
  const form = deps.bodies.posted;

  router.get('/', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    if (details.prompt.name === 'login') {
      await showPage(ctx, deps, details, 'login');
      return;
    }
    if (details.prompt.name === 'consent') {
      if (await refusedAsPasswordDependent(ctx, deps, details)) return;
      const client = await provider.Client.find(String(details.params.client_id));
      if (client?.metadata()[FIRST_PARTY] === true) {
        const grantId = await grantConsent(provider, deps.consents, details, { remember: true, grantTtlSeconds: deps.grantTtlSeconds });
        await completeConsent(ctx, provider, grantId);
        return;
      }
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

  router.post('/password', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const body = ctx.request.body as Record<string, string>;
    await onForm(ctx, deps, details, 'login', { email: String(body.email ?? '') }, async () => {
      if (phrRequired(details)) throw new PasskeyRequiredError();
      if (typedPushRequired(details)) throw new StrongerSignInRequiredError();
      const input = parseForm(passwordLoginForm, body);
      const audit = auditContextOf(ctx);
      const account = await deps.accounts.signInWithPassword(input.email, input.password, audit.ip).catch(async (err: unknown) => {
        await deps.audit.record('login.failed', (await deps.accounts.findByEmail(input.email))?.id ?? null, audit, { method: 'password', client: details.params.client_id, reason: err instanceof AppError ? err.code : 'error' });
        throw err;
      });
      await finishSignIn(ctx, deps, details, account, { kind: 'password' });
    });
  });

  router.post('/consent', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    if (details.prompt.name !== 'consent') throw new InteractionExpiredError();
    // The consent page is never shown for a refused partner, but the form can be posted directly.
    if (await refusedAsPasswordDependent(ctx, deps, details)) return;
    const input = parseForm(consentForm, ctx.request.body);
    const grantId = await grantConsent(provider, deps.consents, details, { remember: input.remember === 'on', grantTtlSeconds: deps.grantTtlSeconds });
    await completeConsent(ctx, provider, grantId);
  });

  router.post('/abort', ...form, async (ctx) => {
    await loadInteraction(ctx, provider);
    await abortInteraction(ctx, provider);
  });

  router.use(passkeyRoutes(deps).routes());
  router.use(planRoutes(deps).routes());
  router.use(passwordDependentRoutes(deps).routes());
  return router;
}
