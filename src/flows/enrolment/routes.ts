// The enrolment link's page and its two JSON steps. Opening the page shows what the link allows and
// changes nothing (mail scanners prefetch links); only a verified registration uses the link up.
// The URL holds only the ticket id: the secret travels in the JSON bodies, which no access log keeps.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../../http/audit-context.ts';
import { csrfToken } from '../../http/csrf.ts';
import { render } from '../../http/render.ts';
import { langOf } from '../../http/state.ts';
import { browserBinding } from '../../http/browser-cookies.ts';
import { enrolledPasskeyCookie } from '../../http/enrolled-passkey.ts';
import { parseForm, type BodyReaders } from '../../http/forms.ts';
import type { EnrolmentKey, EnrolmentService } from './service.ts';

export interface EnrolmentRoutesDeps {
  enrolment: EnrolmentService;
  bodies: BodyReaders;
  now?: () => number;
}

/** Where the page goes once the passkey exists: sign in with it, then set this phone up for push. */
export const AFTER_ENROLMENT = '/account/login?with=new-passkey&next=/device';

// A missing or odd secret is not an input mistake but a link that cannot be used: the service
// refuses it with the same answer as a wrong one.
const secret = z.string().catch('');
const optionsRequest = z.object({ secret });
const verifyRequest = z.object({ secret, response: z.unknown() });

export function enrolmentRoutes(deps: EnrolmentRoutesDeps): Router {
  const { enrolment } = deps;
  const router = new Router({ prefix: '/enrol' });
  const json = deps.bodies.posted;
  const enrolled = enrolledPasskeyCookie(deps.now ?? Date.now);
  const ticketId = (ctx: Context): string => String(ctx.params.id ?? '');
  const keyOf = (ctx: Context, body: { secret: string }): EnrolmentKey => ({ ticketId: ticketId(ctx), secret: body.secret });

  router.get('/:id', async (ctx) => {
    const ticket = await enrolment.inspect(ticketId(ctx));
    await render(ctx, 'enrol', { purpose: ticket.purpose, ticketId: ticket.id, csrf: csrfToken(ctx) });
  });

  router.post('/:id/options', ...json, async (ctx) => {
    const body = parseForm(optionsRequest, ctx.request.body);
    ctx.body = { options: await enrolment.registrationOptions(keyOf(ctx, body)) };
  });

  router.post('/:id/verify', ...json, async (ctx) => {
    const body = parseForm(verifyRequest, ctx.request.body);
    const { ticket, credentialId } = await enrolment.complete(keyOf(ctx, body), body.response, langOf(ctx), auditContextOf(ctx));
    // The phone's setup after the sign-in takes this registration as its proof (no third prompt).
    enrolled.write(ctx, browserBinding(ctx), { accountId: ticket.accountId, credentialId });
    ctx.body = { credentialId, next: AFTER_ENROLMENT };
  });

  return router;
}
