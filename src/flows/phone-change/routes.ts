// Phone change pages (/phone-change), used on the new phone without signing in. The attempt in
// progress is kept in a signed cookie of this browser, so any tobira process serves the next step
// and another browser cannot finish it.
import { email } from '../../http/fields.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../../http/audit-context.ts';
import type { AppError } from '../../errors/app-error.ts';
import { csrfToken } from '../../http/csrf.ts';
import { seeOther } from '../../http/see-other.ts';
import { render } from '../../http/render.ts';
import { browserBinding } from '../../http/browser-cookies.ts';
import { FlowCookie } from '../../http/flow-cookie.ts';
import { langOf } from '../../http/state.ts';
import { refusalOnPage, showingRefusals } from '../../http/form-refusal.ts';
import { parseForm, type BodyReaders } from '../../http/forms.ts';
import { PhoneChangeStepError } from './errors.ts';
import * as flow from './flow.ts';
import type { PhoneChangeAttempt } from './flow.ts';
import type { PhoneChangeService } from './service.ts';

export interface PhoneChangeRoutesDeps {
  phoneChange: PhoneChangeService;
  bodies: BodyReaders;
  now: () => number;
}

const startForm = z.object({ account: email });
const code = z.string().trim().max(12).optional().transform((value) => value || undefined);
const codesForm = z.object({ email_code: code, mobile_code: code });

/** A lost step cannot be fixed on the form: it goes to the error edge, which says to start again. */
const onItsForm = (error: AppError): boolean => !(error instanceof PhoneChangeStepError);

export function phoneChangeRoutes(deps: PhoneChangeRoutesDeps): Router {
  const { phoneChange } = deps;
  const router = new Router({ prefix: '/phone-change' });
  const form = deps.bodies.posted;
  // The attempt in progress, bound to this browser: another browser holding a copy reads none.
  const cookie = new FlowCookie({ name: 'tobira.phone-change', schema: flow.attemptSchema, lifetimeMs: phoneChange.attemptLifetimeMs, now: deps.now });
  const attemptOf = (ctx: Context): PhoneChangeAttempt => {
    const attempt = cookie.read(ctx, browserBinding(ctx));
    if (!attempt) throw new PhoneChangeStepError();
    return attempt;
  };
  const save = (ctx: Context, attempt: PhoneChangeAttempt): void => cookie.write(ctx, browserBinding(ctx), attempt, flow.remainingMs(attempt, deps.now()));

  const startPage = (ctx: Context, account = '', error?: AppError): Promise<void> =>
    render(ctx, 'phone-change', { csrf: csrfToken(ctx), values: { account }, ...refusalOnPage(ctx, error) }, error?.status);
  const codesPage = (ctx: Context, attempt: PhoneChangeAttempt, error?: AppError): Promise<void> =>
    render(ctx, 'phone-change-codes', { csrf: csrfToken(ctx), account: attempt.account, confirmed: attempt.confirmed, minutes: String(phoneChange.codeTtlMinutes), ...refusalOnPage(ctx, error) }, error?.status);

  router.get('/', (ctx) => startPage(ctx));

  router.post('/start', ...form, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    await showingRefusals(async () => {
      const input = parseForm(startForm, body);
      save(ctx, await phoneChange.start(input.account, langOf(ctx), auditContextOf(ctx)));
      seeOther(ctx, '/phone-change/codes');
    }, (error) => startPage(ctx, typeof body.account === 'string' ? body.account : '', error), onItsForm);
  });

  router.get('/codes', async (ctx) => {
    await codesPage(ctx, attemptOf(ctx));
  });

  router.post('/codes', ...form, async (ctx) => {
    let attempt = attemptOf(ctx);
    await showingRefusals(async () => {
      const input = parseForm(codesForm, ctx.request.body);
      const issued = await phoneChange.verify(attempt, { email: input.email_code, mobile: input.mobile_code }, auditContextOf(ctx), (progress) => {
        attempt = progress;
        save(ctx, progress);
      });
      cookie.clear(ctx);
      // `/enrol/<id>#<secret>`: the browser carries the fragment over to the page it loads but never
      // sends it, so the secret reaches no request line or access log on the way.
      seeOther(ctx, issued.link);
    }, (error) => codesPage(ctx, attempt, error), onItsForm);
  });

  return router;
}
