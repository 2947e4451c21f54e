// Password reset pages (/password-reset): e-mail → code + new password → done. Which address is
// being reset is kept in a signed cookie between the steps, so any process can serve any step.
import { refusalOnPage, showingRefusals } from '../../http/form-refusal.ts';
import { email, oneTimeCode, password } from '../../http/fields.ts';
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
import { parseForm, type BodyReaders } from '../../http/forms.ts';
import * as flow from './flow.ts';
import type { PasswordResetService } from './service.ts';

export interface PasswordResetRoutesDeps {
  resets: PasswordResetService;
  /** How long the code step stays open (the code's own lifetime). */
  codeTtlSeconds: number;
  bodies: BodyReaders;
  now: () => number;
}

/** Where "back to sign-in" leads: only a sign-in page of tobira's own. */
const back = z.string().regex(flow.BACK_PATH).optional().catch(undefined);
const emailForm = z.object({ email, back });
const codeForm = z.object({ code: oneTimeCode, password });

type View = 'password-reset-email' | 'password-reset-code';

/** Refusals of the code itself: the code field comes back empty after them. */
const CODE_REFUSALS = new Set(['code_invalid', 'code_expired', 'too_many_attempts']);

export function passwordResetRoutes(deps: PasswordResetRoutesDeps): Router {
  const router = new Router({ prefix: '/password-reset' });
  const form = deps.bodies.posted;
  // Which address this browser is resetting, while its code lives.
  const cookie = new FlowCookie({ name: 'tobira.pwreset', schema: flow.passwordResetStateSchema, lifetimeMs: flow.lifetimeMs(deps.codeTtlSeconds), now: deps.now });
  const progressOf = (ctx: Context): flow.PasswordResetState | undefined => cookie.read(ctx, browserBinding(ctx));

  async function show(ctx: Context, view: View, data: Record<string, unknown>, error?: AppError): Promise<void> {
    await render(ctx, view, { csrf: csrfToken(ctx), values: {}, back: '', ...data, ...refusalOnPage(ctx, error) }, error?.status ?? 200);
  }

  /** Refusals are shown on the form they came from; anything else goes to the error edge. */
  function onForm(ctx: Context, view: View, data: Record<string, unknown>, action: () => Promise<void>): Promise<void> {
    return showingRefusals(action, (error) => show(ctx, view, data, error));
  }

  router.get('/', async (ctx) => {
    await show(ctx, 'password-reset-email', { back: back.parse(ctx.query.back) ?? '' });
  });

  router.post('/', ...form, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    const data = { values: { email: String(body.email ?? '') }, back: back.parse(body.back) ?? '' };
    await onForm(ctx, 'password-reset-email', data, async () => {
      const input = parseForm(emailForm, body);
      const started = await deps.resets.start(input.email, langOf(ctx), auditContextOf(ctx));
      cookie.write(ctx, browserBinding(ctx), flow.codeSent(started.address, input.back, started.mailed));
      seeOther(ctx, '/password-reset/code');
    });
  });

  router.get('/code', async (ctx) => {
    const progress = progressOf(ctx);
    if (!progress) {
      ctx.redirect('/password-reset');
      return;
    }
    await show(ctx, 'password-reset-code', { email: progress.email, mailed: progress.mailed });
  });

  router.post('/code', ...form, async (ctx) => {
    const progress = progressOf(ctx);
    if (!progress) {
      seeOther(ctx, '/password-reset');
      return;
    }
    // A refused password (too weak) keeps the typed code: it is still good, and retyping it from
    // the mail is the step users fail at. A refused code is not shown again.
    const typed = ctx.request.body as Record<string, unknown>;
    const typedCode = typeof typed.code === 'string' ? typed.code.slice(0, 12) : '';
    await showingRefusals(async () => {
      const input = parseForm(codeForm, ctx.request.body);
      // Every sign-in of the account ends, this browser's too: it signs in with the new password.
      await deps.resets.complete({
        address: progress.email,
        code: input.code,
        password: input.password,
        lang: langOf(ctx),
        audit: auditContextOf(ctx),
      });
      cookie.clear(ctx);
      await render(ctx, 'password-reset-done', { back: flow.done(progress).back });
    }, (error) => show(ctx, 'password-reset-code', { email: progress.email, mailed: progress.mailed, values: { code: CODE_REFUSALS.has(error.code) ? '' : typedCode } }, error));
  });

  return router;
}
