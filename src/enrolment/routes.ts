// The enrolment link's page and its two JSON steps. Opening the page shows what the link allows and
// changes nothing (mail scanners prefetch links); only a verified registration uses the link up.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../audit/audit-log.ts';
import { parseBody } from '../http/body.ts';
import { csrfToken, requireCsrf } from '../http/csrf.ts';
import { render } from '../http/render.ts';
import type { RequestState } from '../http/state.ts';
import { parseForm } from '../interactions/forms.ts';
import type { EnrolmentService } from './enrolment-service.ts';

export interface EnrolmentRoutesDeps {
  enrolment: EnrolmentService;
  bodyLimitBytes: number;
}

/** Where the page goes once the passkey exists: sign in with it, then set this phone up for push. */
export const AFTER_ENROLMENT = '/account/login?with=new-passkey&next=/device';

const verifyRequest = z.object({ response: z.unknown() });

export function enrolmentRoutes(deps: EnrolmentRoutesDeps): Router {
  const { enrolment } = deps;
  const router = new Router({ prefix: '/enrol' });
  const json = [parseBody(deps.bodyLimitBytes), requireCsrf()];
  const token = (ctx: Context): string => String(ctx.params.token ?? '');

  router.get('/:token', async (ctx) => {
    const ticket = await enrolment.inspect(token(ctx));
    await render(ctx, 'enrol', { purpose: ticket.purpose, token: token(ctx), csrf: csrfToken(ctx) });
  });

  router.post('/:token/options', ...json, async (ctx) => {
    ctx.body = { options: await enrolment.registrationOptions(token(ctx)) };
  });

  router.post('/:token/verify', ...json, async (ctx) => {
    const { response } = parseForm(verifyRequest, ctx.request.body);
    const { credentialId } = await enrolment.complete(token(ctx), response, (ctx.state as RequestState).lang, auditContextOf(ctx));
    ctx.body = { credentialId, next: AFTER_ENROLMENT };
  });

  return router;
}
