// After the e-mail on the sign-in page: which way to sign in comes first and which are folded away
// (the rule is sign-in-plan.ts). Called by public/js/login.js.
import Router from '@koa/router';
import { z } from 'zod';
import { parseForm } from '../http/forms.ts';
import { linkedAccountFor } from './browser-link.ts';
import type { InteractionDeps } from './deps.ts';
import { loadInteraction } from './load-interaction.ts';
import { phrRequired, typedPushRequired } from './page.ts';
import { signInPlan } from './sign-in-plan.ts';

const planRequest = z.object({
  email: z.string().trim().max(254),
  browser: z.object({ webauthn: z.boolean(), platformAuthenticator: z.boolean(), mobile: z.boolean() }).strict(),
}).strict();

export function planRoutes(deps: InteractionDeps): Router {
  const router = new Router();
  router.post('/ways', ...deps.bodies.posted, async (ctx) => {
    const details = await loadInteraction(ctx, deps.provider);
    const input = parseForm(planRequest, ctx.request.body);
    const linked = await linkedAccountFor(ctx, deps, input.email);
    ctx.set('Cache-Control', 'no-store');
    const plan = signInPlan(input.browser, { phr: phrRequired(details), typedPush: typedPushRequired(details) }, linked);
    // The same keys for every address; only the linked owner is told why no password is offered.
    ctx.body = { ...plan, alwaysPasskey: linked?.alwaysPasskey === true };
  });
  return router;
}
