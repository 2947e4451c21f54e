// A partner service marked password-dependent, asked for by an always-passkey account: after the
// sign-in and before consent, the user is shown why it cannot be used, and the partner gets
// access_denied with the reason. (The interaction policy makes sure this step is never skipped,
// even when consent was remembered; see oidc/provider.ts. Both ask policy.ts's refusesClient.)
import Router from '@koa/router';
import type { Context } from 'koa';
import { PasswordDependentClientError } from '../always-passkey/errors.ts';
import { auditContextOf } from '../http/audit-context.ts';
import { InteractionExpiredError } from '../errors/http-errors.ts';
import { csrfToken } from '../http/csrf.ts';
import { render } from '../http/render.ts';
import { langOf } from '../http/state.ts';
import { refusesClient } from '../always-passkey/policy.ts';
import type { InteractionDeps } from './deps.ts';
import { denyInteraction } from './finish.ts';
import { clientSummary, loadInteraction, type InteractionDetails } from './load-interaction.ts';

/** What the partner service is told (ASCII, as OAuth error descriptions must be). */
export const PASSWORD_DEPENDENT_DESCRIPTION = 'this service depends on a password, and the account uses always-passkey sign-in (it has no password)';

async function refused(deps: InteractionDeps, details: InteractionDetails): Promise<{ accountId: string; clientId: string } | undefined> {
  const clientId = String(details.params.client_id);
  const accountId = details.session?.accountId;
  if (!accountId) return undefined;
  const account = await deps.accounts.findById(accountId);
  return account && refusesClient(account, deps.clients.registration(clientId)) ? { accountId, clientId } : undefined;
}

/** True (and the explanation page shown, the refusal audited) when this consent step must be refused. */
export async function refusedAsPasswordDependent(ctx: Context, deps: InteractionDeps, details: InteractionDetails): Promise<boolean> {
  const refusal = await refused(deps, details);
  if (!refusal) return false;
  await deps.audit.record('authorization.refused', refusal.accountId, auditContextOf(ctx), { reason: 'password_dependent_client', client: refusal.clientId });
  const client = await clientSummary(deps.provider, details);
  const error = new PasswordDependentClientError(client.name);
  await render(ctx, 'password-dependent', {
    uid: details.uid,
    client,
    csrf: csrfToken(ctx),
    error: error.messages[langOf(ctx)],
    errorCode: error.code,
  }, error.status);
  return true;
}

export function passwordDependentRoutes(deps: InteractionDeps): Router {
  const router = new Router();

  // "Back to the service": the partner learns why it got no sign-in.
  router.post('/password-dependent', ...deps.bodies.posted, async (ctx) => {
    const details = await loadInteraction(ctx, deps.provider);
    if (details.prompt.name !== 'consent' || !await refused(deps, details)) throw new InteractionExpiredError();
    await denyInteraction(ctx, deps.provider, PASSWORD_DEPENDENT_DESCRIPTION);
  });

  return router;
}
