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
   * Assertion options. They tell nothing about who has an account: a typed e-mail, or a
   * `login_hint` anyone can put in an authorization request, gets the answer every address gets —
   * an empty allowCredentials (any discoverable passkey may answer, and verify then holds it to the
   * named account), a password unless the partner requires phr, and no "always passkey" note.
   * Only the browser's own signed-in account, asked to confirm itself (the account menu's
   * re-authentication), is answered for that account: its passkeys and whether it has a password.
   */
  router.post('/passkey/options', ...json, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    parseForm(optionsRequest, ctx.request.body);
    const expected = await expectedAccountId(details, deps.accounts);
    const own = expected !== null && expected === details.session?.accountId ? await deps.accounts.findById(expected) : undefined;
    const options = await deps.passkeys.authenticationOptions(challengeKey(details.uid), own?.id ?? null);
    const password = !phrRequired(details) && (own ? own.passwordHash !== null : true);
    // Only the signed-in owner is told why no password is offered (login.js shows it).
    ctx.body = { options, password, alwaysPasskey: own?.alwaysPasskey === true };
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
