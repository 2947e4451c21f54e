// JSON steps of a passkey sign-in, called by public/js/login.js: options, then the assertion.
import { webauthnResponse } from '../http/fields.ts';
import Router from '@koa/router';
import { z } from 'zod';
import { auditContextOf } from '../http/audit-context.ts';
import type { InteractionDeps } from './deps.ts';
import { expectedAccountId } from './expected-account.ts';
import { finishSignIn } from './finish.ts';
import { parseForm } from '../http/forms.ts';
import { loadInteraction } from './load-interaction.ts';
import { phrRequired } from './page.ts';

const optionsRequest = z.object({ email: z.string().trim().max(254).optional() });

export function passkeyRoutes(deps: InteractionDeps): Router {
  const { provider } = deps;
  const router = new Router();
  const json = deps.bodies.posted;
  const challengeKey = (uid: string): string => `authn:interaction:${uid}`;

  /**
   * Assertion options. With an e-mail (identifier-first) only that account's passkeys are offered
   * and the page learns whether a password is an option; an unknown address looks like an
   * account with a password, so the answer does not tell which addresses have accounts.
   */
  router.post('/passkey/options', ...json, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const { email } = parseForm(optionsRequest, ctx.request.body);
    const expected = await expectedAccountId(details, deps.accounts);
    const subject = expected ? await deps.accounts.findById(expected) : email ? await deps.accounts.findByEmail(email) : undefined;
    const options = await deps.passkeys.authenticationOptions(challengeKey(details.uid), subject?.id ?? null);
    const password = !phrRequired(details) && (subject ? subject.passwordHash !== null : true);
    // An always-passkey account is told why no password is offered (login.js shows it).
    ctx.body = { options, password, alwaysPasskey: subject?.alwaysPasskey === true };
  });

  router.post('/passkey/verify', ...json, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const { response } = parseForm(webauthnResponse, ctx.request.body);
    const audit = auditContextOf(ctx);
    const expected = await expectedAccountId(details, deps.accounts);
    const { account, passkey, userVerified } = await deps.passkeys.verifyAuthentication(challengeKey(details.uid), response, expected, audit, { client: details.params.client_id });
    await finishSignIn(ctx, deps, details, account, {
      kind: 'passkey',
      credentialId: passkey.credentialId,
      hardwareBound: passkey.deviceType === 'singleDevice' && !passkey.backedUp,
      userVerified,
    });
  });

  return router;
}
