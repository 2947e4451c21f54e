// The code-entry form of TV login (/activate) is posted back to oidc-provider, which keeps the
// form's CSRF secret in its browser session. A post without that session (no cookie, a forged or
// expired one) made oidc-provider fail while saving a session that was never stored: a 500,
// logged as an error on every such request. This answers it first, with a clear refusal.
import Router from '@koa/router';
import type Provider from 'oidc-provider';
import type { RequestState } from '../http/state.ts';
import { ActivationExpiredError } from './errors.ts';

/** oidc-provider's `routes.code_verification` (provider.ts). */
export const ACTIVATE_PATH = '/activate';

export function activateGuard(provider: Provider): Router<RequestState> {
  const router = new Router<RequestState>();
  router.post(ACTIVATE_PATH, async (ctx, next) => {
    // The stored session behind the cookie, or a new one (no `exp`) when there is none.
    const session = await provider.Session.get(ctx);
    if (typeof session.exp !== 'number') throw new ActivationExpiredError();
    await next();
  });
  return router;
}
