// Phone change pages (/phone-change), used on the new phone without signing in. The attempt in
// progress is kept in a signed cookie of this browser, so any tobira process serves the next step
// and another browser cannot finish it.
import { email, randomId } from '../../http/fields.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../../audit/audit-log.ts';
import { AppError } from '../../errors/app-error.ts';
import { csrfToken } from '../../http/csrf.ts';
import { seeOther } from '../../http/see-other.ts';
import { render } from '../../http/render.ts';
import { clearCookie, readSignedJson, writeSignedJson } from '../../http/signed-cookie.ts';
import type { RequestState } from '../../http/state.ts';
import { parseForm, type BodyReaders } from '../../http/forms.ts';
import { PhoneChangeStepError } from './errors.ts';
import type { PhoneChangeAttempt, PhoneChangeService } from './service.ts';

export interface PhoneChangeRoutesDeps {
  phoneChange: PhoneChangeService;
  bodies: BodyReaders;
}

const COOKIE = 'tobira.phone-change';
const startForm = z.object({ account: email });
const code = z.string().trim().max(12).optional().transform((value) => value || undefined);
const codesForm = z.object({ email_code: code, mobile_code: code });
const digest = z.string().regex(/^[0-9a-f]{64}$/);
const attemptShape = z.object({
  id: randomId,
  account: z.string().max(254),
  confirmed: z.object({ email: digest.optional(), mobile: digest.optional() }),
  exp: z.number(),
});

function attemptOf(ctx: Context): PhoneChangeAttempt {
  const parsed = attemptShape.safeParse(readSignedJson(ctx, COOKIE));
  if (!parsed.success) throw new PhoneChangeStepError();
  const { confirmed, ...rest } = parsed.data;
  return { ...rest, confirmed: { ...(confirmed.email ? { email: confirmed.email } : {}), ...(confirmed.mobile ? { mobile: confirmed.mobile } : {}) } };
}

/** Refusals on a form are shown on the form; anything else goes to the error edge. */
async function onForm(ctx: Context, action: () => Promise<void>, page: (error: AppError) => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof AppError && err.status < 500 && !(err instanceof PhoneChangeStepError)) {
      await page(err);
      return;
    }
    throw err;
  }
}

export function phoneChangeRoutes(deps: PhoneChangeRoutesDeps): Router {
  const { phoneChange } = deps;
  const router = new Router({ prefix: '/phone-change' });
  const form = deps.bodies.posted;
  const lang = (ctx: Context): RequestState['lang'] => (ctx.state as RequestState).lang;
  const save = (ctx: Context, attempt: PhoneChangeAttempt): void => writeSignedJson(ctx, COOKIE, attempt, phoneChange.attemptLifetimeMs);
  const errorOf = (ctx: Context, error?: AppError): Record<string, unknown> => ({ error: error?.messages[lang(ctx)], errorCode: error?.code });

  const startPage = (ctx: Context, account = '', error?: AppError): Promise<void> =>
    render(ctx, 'phone-change', { csrf: csrfToken(ctx), values: { account }, ...errorOf(ctx, error) }, error?.status);
  const codesPage = (ctx: Context, attempt: PhoneChangeAttempt, error?: AppError): Promise<void> =>
    render(ctx, 'phone-change-codes', { csrf: csrfToken(ctx), account: attempt.account, confirmed: attempt.confirmed, minutes: String(phoneChange.codeTtlMinutes), ...errorOf(ctx, error) }, error?.status);

  router.get('/', (ctx) => startPage(ctx));

  router.post('/start', ...form, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    await onForm(ctx, async () => {
      const input = parseForm(startForm, body);
      save(ctx, await phoneChange.start(input.account, lang(ctx), auditContextOf(ctx)));
      seeOther(ctx, '/phone-change/codes');
    }, (error) => startPage(ctx, typeof body.account === 'string' ? body.account : '', error));
  });

  router.get('/codes', async (ctx) => {
    await codesPage(ctx, attemptOf(ctx));
  });

  router.post('/codes', ...form, async (ctx) => {
    let attempt = attemptOf(ctx);
    await onForm(ctx, async () => {
      const input = parseForm(codesForm, ctx.request.body);
      const issued = await phoneChange.verify(attempt, { email: input.email_code, mobile: input.mobile_code }, auditContextOf(ctx), (progress) => {
        attempt = progress;
        save(ctx, progress);
      });
      clearCookie(ctx, COOKIE);
      ctx.status = 303;
      // `/enrol/<id>#<secret>`: the browser carries the fragment over to the page it loads but never
      // sends it, so the secret reaches no request line or access log on the way.
      ctx.redirect(issued.link);
    }, (error) => codesPage(ctx, attempt, error));
  });

  return router;
}
