// The recovery request form (/recovery), for someone who lost their phone and has no other way in.
// It is open to anyone: whatever was typed, a valid request gets the same answer.
import { refusalOnPage, showingRefusals } from '../../http/form-refusal.ts';
import { email, optionalEmail } from '../../http/fields.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../../http/audit-context.ts';
import type { AppError } from '../../errors/app-error.ts';
import { csrfToken } from '../../http/csrf.ts';
import { seeOther } from '../../http/see-other.ts';
import { render } from '../../http/render.ts';
import { parseForm, type BodyReaders } from '../../http/forms.ts';
import type { RecoveryService } from './service.ts';

export const MAX_RECOVERY_MESSAGE = 2000;

const requestForm = z.object({
  accountId: email,
  contactEmail: optionalEmail.default(''),
  contactMobile: z.string().trim().max(32).default(''),
  // Browsers send a textarea's line breaks as CR LF; a CR anywhere else is refused by the service.
  message: z.string().transform((text) => text.replace(/\r\n/g, '\n')).pipe(z.string().trim().min(1).max(MAX_RECOVERY_MESSAGE)),
});

export interface RecoveryRoutesDeps {
  recovery: RecoveryService;
  bodies: BodyReaders;
}

function wantsJson(ctx: Context): boolean {
  return ctx.accepts('html', 'json') === 'json';
}

export function recoveryRoutes(deps: RecoveryRoutesDeps): Router {
  const router = new Router({ prefix: '/recovery' });

  async function showForm(ctx: Context, values: Record<string, string>, error?: AppError): Promise<void> {
    await render(ctx, 'recovery', {
      csrf: csrfToken(ctx),
      values,
      ...refusalOnPage(ctx, error),
    }, error?.status ?? 200);
  }

  router.get('/', (ctx) => showForm(ctx, {}));

  router.post('/', ...deps.bodies.posted, async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const text = (name: string): string => (typeof body[name] === 'string' ? body[name].slice(0, MAX_RECOVERY_MESSAGE) : '');
    await showingRefusals(async () => {
      const input = parseForm(requestForm, body);
      await deps.recovery.submit(input, auditContextOf(ctx));
      if (wantsJson(ctx)) {
        ctx.status = 202;
        ctx.body = { status: 'received' };
        return;
      }
      seeOther(ctx, '/recovery/sent');
    }, (error) => showForm(ctx, { accountId: text('accountId'), contactEmail: text('contactEmail'), contactMobile: text('contactMobile'), message: text('message') }, error), () => !wantsJson(ctx));
  });

  router.get('/sent', (ctx) => render(ctx, 'recovery-sent'));

  return router;
}
