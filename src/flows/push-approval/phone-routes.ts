// The phone's side of push approval, in the /device app and its JSON API: the sign-in requests
// waiting for this phone, the approval page a notification opens, and approving (the number, then
// the phone's passkey) or denying. The browser's side is routes.ts.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../../http/audit-context.ts';
import { DeviceRequiredError } from '../../devices/errors.ts';
import type { AccountGuard } from '../../http/account-guard.ts';
import { phoneDeviceId } from '../../http/browser-cookies.ts';
import { csrfToken } from '../../http/csrf.ts';
import { randomId } from '../../http/fields.ts';
import { parseForm, type BodyReaders } from '../../http/forms.ts';
import { render } from '../../http/render.ts';
import { langOf, type RequestState } from '../../http/state.ts';
import { dateLocale } from '../../i18n/format-time.ts';
import type { Approval } from '../../store/types.ts';
import { ApprovalNotFoundError } from './errors.ts';
import { contextIn, type ApprovalService } from './service.ts';
import type { Lang } from '../../i18n/lang.ts';

export interface PhoneApprovalRoutesDeps {
  guard: AccountGuard;
  approvals: ApprovalService;
  bodies: BodyReaders;
  displayTimeZone: string;
}

const numberField = z.string().max(6).regex(/^\d*$/);
const numberRequest = z.object({ number: numberField });
const approveRequest = z.object({ number: numberField, response: z.unknown() });
const denyRequest = z.object({ report: z.boolean().default(false) });

/**
 * What the phone may see of an approval: never the number itself, only the choices; the asking
 * browser and its place named in the phone's language, not the asking page's.
 */
function view(approval: Approval, lang: Lang): Record<string, unknown> {
  return { id: approval.id, status: approval.status, matching: approval.matching, choices: approval.choices, context: contextIn(approval.context, lang), expiresAt: approval.expiresAt.toISOString() };
}

function approvalIdOf(ctx: Context): string {
  const id = randomId.safeParse(ctx.params.id);
  if (!id.success) throw new ApprovalNotFoundError();
  return id.data;
}

/**
 * The device id this browser's cookie names. The approval service checks that it is a set-up
 * phone of the signed-in account (DeviceRequiredError otherwise), so it is not looked up here.
 */
function cookieDeviceId(ctx: Context): string {
  const deviceId = phoneDeviceId(ctx);
  if (!deviceId) throw new DeviceRequiredError();
  return deviceId;
}

export function phoneApprovalRoutes(deps: PhoneApprovalRoutesDeps): Router<RequestState> {
  const { guard, approvals } = deps;
  const router = new Router<RequestState>({ prefix: '/device' });
  const json = deps.bodies.posted;

  router.get('/approve/:id', async (ctx) => {
    const session = await guard.session(ctx);
    if (!session) {
      ctx.redirect('/account/login?next=/device');
      return;
    }
    const approval = await approvals.forDevice(approvalIdOf(ctx), session.account.id, cookieDeviceId(ctx));
    const when = new Intl.DateTimeFormat(dateLocale(langOf(ctx)), { dateStyle: 'medium', timeStyle: 'medium', timeZone: deps.displayTimeZone });
    const shown = view(approval, langOf(ctx));
    await render(ctx, 'device-approve', { approval: { ...shown, context: { ...shown.context as Record<string, string>, time: when.format(approval.createdAt) } }, csrf: csrfToken(ctx) });
  });

  router.get('/api/approvals', async (ctx) => {
    const session = await guard.signedIn(ctx);
    ctx.body = { approvals: (await approvals.pendingForDevice(session.account.id, cookieDeviceId(ctx))).map((a) => view(a, langOf(ctx))) };
  });

  // The open approval page asks whether the request is still waiting (withdrawn, expired, decided).
  router.get('/api/approvals/:id', async (ctx) => {
    const session = await guard.signedIn(ctx);
    const id = approvalIdOf(ctx);
    ctx.set('Cache-Control', 'no-store');
    try {
      ctx.body = { status: (await approvals.forDevice(id, session.account.id, cookieDeviceId(ctx))).status };
    } catch (err) {
      // Expired and unknown answer alike, as for the waiting page.
      if (err instanceof ApprovalNotFoundError) ctx.body = { status: 'expired' };
      else throw err;
    }
  });

  router.post('/api/approvals/:id/options', ...json, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const id = approvalIdOf(ctx);
    const { number } = parseForm(numberRequest, ctx.request.body);
    ctx.body = { options: await approvals.approvalOptions(id, session.account.id, cookieDeviceId(ctx), number, langOf(ctx), auditContextOf(ctx)) };
  });

  router.post('/api/approvals/:id/approve', ...json, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const id = approvalIdOf(ctx);
    const input = parseForm(approveRequest, ctx.request.body);
    await approvals.approve(id, session.account.id, cookieDeviceId(ctx), input.number, input.response, auditContextOf(ctx));
    ctx.body = { status: 'approved' };
  });

  router.post('/api/approvals/:id/deny', ...json, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const id = approvalIdOf(ctx);
    const { report } = parseForm(denyRequest, ctx.request.body);
    await approvals.deny(id, session.account.id, cookieDeviceId(ctx), report, langOf(ctx), auditContextOf(ctx));
    ctx.body = { status: report ? 'reported' : 'denied' };
  });

  return router;
}
