// Password reset pages (/password-reset): e-mail → code + new password → done. Which address is
// being reset is kept in a signed cookie between the steps, so any process can serve any step.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../../accounts/password-policy.ts';
import { auditContextOf } from '../../audit/audit-log.ts';
import { AppError } from '../../errors/app-error.ts';
import { parseBody } from '../../http/body.ts';
import { csrfToken, requireCsrf } from '../../http/csrf.ts';
import { render } from '../../http/render.ts';
import { clearCookie, readSignedJson, writeSignedJson } from '../../http/signed-cookie.ts';
import type { RequestState } from '../../http/state.ts';
import { parseForm } from '../../http/forms.ts';
import type { PasswordResetService } from './service.ts';

export interface PasswordResetRoutesDeps {
  resets: PasswordResetService;
  /** How long the code step stays open (the code's own lifetime). */
  codeTtlSeconds: number;
  bodyLimitBytes: number;
}

const COOKIE = 'tobira.pwreset';
/** Where "back to sign-in" leads: only a sign-in page of tobira's own. */
const back = z.string().regex(/^\/interaction\/[A-Za-z0-9_-]{1,64}$/).optional().catch(undefined);
const emailForm = z.object({ email: z.string().trim().max(254).pipe(z.email()), back });
const codeForm = z.object({ code: z.string().trim().min(1).max(12), password: z.string().max(MAX_PASSWORD_LENGTH) });

interface ResetProgress {
  email: string;
  back: string;
  /** epoch ms */
  exp: number;
}

type View = 'password-reset-email' | 'password-reset-code';

export function passwordResetRoutes(deps: PasswordResetRoutesDeps): Router {
  const router = new Router({ prefix: '/password-reset' });
  const form = [parseBody(deps.bodyLimitBytes), requireCsrf()];
  const lang = (ctx: Context): RequestState['lang'] => (ctx.state as RequestState).lang;

  function progressOf(ctx: Context): ResetProgress | undefined {
    const progress = readSignedJson<ResetProgress>(ctx, COOKIE);
    return progress && progress.exp > Date.now() ? progress : undefined;
  }

  async function show(ctx: Context, view: View, data: Record<string, unknown>, error?: AppError): Promise<void> {
    await render(ctx, view, { csrf: csrfToken(ctx), values: {}, back: '', ...data, error: error?.messages[lang(ctx)], errorCode: error?.code }, error?.status ?? 200);
  }

  /** Refusals are shown on the form they came from; anything else goes to the error edge. */
  async function onForm(ctx: Context, view: View, data: Record<string, unknown>, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        await show(ctx, view, data, err);
        return;
      }
      throw err;
    }
  }

  router.get('/', async (ctx) => {
    await show(ctx, 'password-reset-email', { back: back.parse(ctx.query.back) ?? '' });
  });

  router.post('/', ...form, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    const data = { values: { email: String(body.email ?? '') }, back: back.parse(body.back) ?? '' };
    await onForm(ctx, 'password-reset-email', data, async () => {
      const input = parseForm(emailForm, body);
      const address = await deps.resets.start(input.email, lang(ctx), auditContextOf(ctx));
      writeSignedJson(ctx, COOKIE, { email: address, back: input.back ?? '', exp: Date.now() + deps.codeTtlSeconds * 1000 } satisfies ResetProgress, deps.codeTtlSeconds * 1000);
      ctx.status = 303;
      ctx.redirect('/password-reset/code');
    });
  });

  router.get('/code', async (ctx) => {
    const progress = progressOf(ctx);
    if (!progress) {
      ctx.redirect('/password-reset');
      return;
    }
    await show(ctx, 'password-reset-code', { email: progress.email });
  });

  router.post('/code', ...form, async (ctx) => {
    const progress = progressOf(ctx);
    if (!progress) {
      ctx.status = 303;
      ctx.redirect('/password-reset');
      return;
    }
    await onForm(ctx, 'password-reset-code', { email: progress.email }, async () => {
      const input = parseForm(codeForm, ctx.request.body);
      // Every sign-in of the account ends, this browser's too: it signs in with the new password.
      await deps.resets.complete({
        address: progress.email,
        code: input.code,
        password: input.password,
        lang: lang(ctx),
        audit: auditContextOf(ctx),
      });
      clearCookie(ctx, COOKIE);
      await render(ctx, 'password-reset-done', { back: progress.back });
    });
  });

  return router;
}
