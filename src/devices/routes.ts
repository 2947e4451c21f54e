// The companion web app for the phone (/device, an installable PWA) and its JSON API
// (/device/api), which a native app can use the same way: set the phone up, list sign-in requests
// waiting for it, approve (number + passkey) or deny them.
import { itemName, randomId } from '../http/fields.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AccountGuard } from '../http/account-guard.ts';
import type { AccountSession } from '../http/session.ts';
import type { ApprovalService } from '../flows/push-approval/service.ts';
import { DeviceRequiredError } from '../flows/push-approval/errors.ts';
import { auditContextOf } from '../audit/audit-log.ts';
import { ApprovalNotFoundError } from '../flows/push-approval/errors.ts';
import { csrfToken } from '../http/csrf.ts';
import { render } from '../http/render.ts';
import { readSignedJson, writeSignedJson } from '../http/signed-cookie.ts';
import { langOf, type RequestState } from '../http/state.ts';
import { parseForm, type BodyReaders } from '../http/forms.ts';
import type { Approval } from '../store/types.ts';
import type { DeviceService } from './device-service.ts';

export interface DeviceRoutesDeps {
  guard: AccountGuard;
  devices: DeviceService;
  approvals: ApprovalService;
  vapidPublicKey: string;
  bodies: BodyReaders;
  displayTimeZone: string;
}

const DEVICE_COOKIE = 'tobira.device';
const setupOptionsRequest = z.object({ existing: z.boolean().default(false) });
const setupRequest = z.object({ name: itemName, subscription: z.unknown(), response: z.unknown(), existing: z.boolean().default(false) });
const subscriptionRequest = z.object({ subscription: z.unknown() });
const numberRequest = z.object({ number: z.string().max(6).regex(/^\d*$/) });
const approveRequest = z.object({ number: z.string().max(6).regex(/^\d*$/), response: z.unknown() });
const denyRequest = z.object({ report: z.boolean().default(false) });
const approvalId = randomId;

/** What the phone may see of an approval: never the number itself, only the choices. */
function view(approval: Approval): Record<string, unknown> {
  return { id: approval.id, status: approval.status, matching: approval.matching, choices: approval.choices, context: approval.context, expiresAt: approval.expiresAt.toISOString() };
}

export function deviceRoutes(deps: DeviceRoutesDeps): Router<RequestState> {
  const { guard, devices, approvals } = deps;
  const router = new Router<RequestState>({ prefix: '/device' });
  guard.allowReturnTo('/device');
  const json = deps.bodies.posted;
  const setupKey = (s: AccountSession): string => `reg:device:${s.account.id}:${s.sessionUid}`;

  const signedIn = (ctx: Context): Promise<AccountSession> => guard.signedIn(ctx);

  /**
   * The device id this browser's cookie names. The approval service checks that it is a set-up
   * phone of the signed-in account (DeviceRequiredError otherwise), so it is not looked up here.
   */
  /** The set-up phone this browser is for the signed-in account, looked up (undefined when none). */
  function currentDevice(ctx: Context, session: AccountSession): ReturnType<DeviceService['current']> {
    return devices.current(session.account.id, readSignedJson<{ deviceId: string }>(ctx, DEVICE_COOKIE)?.deviceId);
  }

  function cookieDeviceId(ctx: Context): string {
    const deviceId = readSignedJson<{ deviceId: string }>(ctx, DEVICE_COOKIE)?.deviceId;
    if (!deviceId) throw new DeviceRequiredError();
    return deviceId;
  }

  router.get('/', async (ctx) => {
    const session = await guard.session(ctx);
    if (!session) {
      ctx.redirect('/account/login?next=/device');
      return;
    }
    const device = await currentDevice(ctx, session);
    await render(ctx, 'device', { account: session.account, device, csrf: csrfToken(ctx), vapidPublicKey: deps.vapidPublicKey });
  });

  router.get('/approve/:id', async (ctx) => {
    const session = await guard.session(ctx);
    if (!session) {
      ctx.redirect('/account/login?next=/device');
      return;
    }
    const id = approvalId.safeParse(ctx.params.id);
    if (!id.success) throw new ApprovalNotFoundError();
    const approval = await approvals.forDevice(id.data, session.account.id, cookieDeviceId(ctx));
    const when = new Intl.DateTimeFormat(langOf(ctx) === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: deps.displayTimeZone });
    const shown = view(approval);
    await render(ctx, 'device-approve', { approval: { ...shown, context: { ...approval.context, time: when.format(approval.createdAt) } }, csrf: csrfToken(ctx) });
  });

  router.post('/api/setup/options', ...json, async (ctx) => {
    const session = await signedIn(ctx);
    const { existing } = parseForm(setupOptionsRequest, ctx.request.body);
    const options = existing ? await devices.existingPasskeyOptions(session.account, setupKey(session)) : await devices.registrationOptions(session.account, setupKey(session));
    ctx.body = { options, vapidPublicKey: deps.vapidPublicKey };
  });

  router.post('/api/setup', ...json, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(setupRequest, ctx.request.body);
    const device = await devices.setUp({
      account: session.account,
      name: input.name,
      subscription: input.subscription,
      proof: input.existing ? { assertion: input.response } : { registration: input.response },
      challengeKey: setupKey(session),
      lang: langOf(ctx),
      audit: auditContextOf(ctx),
    });
    writeSignedJson(ctx, DEVICE_COOKIE, { deviceId: device.id }, 400 * 24 * 3600 * 1000);
    ctx.body = { deviceId: device.id, name: device.name };
  });

  router.post('/api/subscription', ...json, async (ctx) => {
    const session = await signedIn(ctx);
    const { subscription } = parseForm(subscriptionRequest, ctx.request.body);
    // No approval service call follows here, so the device is checked before the update.
    const device = await currentDevice(ctx, session);
    if (!device) throw new DeviceRequiredError();
    await devices.updateSubscription(session.account.id, device.id, subscription);
    ctx.body = { ok: true };
  });

  router.get('/api/approvals', async (ctx) => {
    const session = await signedIn(ctx);
    ctx.body = { approvals: (await approvals.pendingForDevice(session.account.id, cookieDeviceId(ctx))).map(view) };
  });

  router.post('/api/approvals/:id/options', ...json, async (ctx) => {
    const session = await signedIn(ctx);
    const id = approvalId.safeParse(ctx.params.id);
    if (!id.success) throw new ApprovalNotFoundError();
    const { number } = parseForm(numberRequest, ctx.request.body);
    ctx.body = { options: await approvals.approvalOptions(id.data, session.account.id, cookieDeviceId(ctx), number, auditContextOf(ctx)) };
  });

  router.post('/api/approvals/:id/approve', ...json, async (ctx) => {
    const session = await signedIn(ctx);
    const id = approvalId.safeParse(ctx.params.id);
    if (!id.success) throw new ApprovalNotFoundError();
    const input = parseForm(approveRequest, ctx.request.body);
    await approvals.approve(id.data, session.account.id, cookieDeviceId(ctx), input.number, input.response, auditContextOf(ctx));
    ctx.body = { status: 'approved' };
  });

  router.post('/api/approvals/:id/deny', ...json, async (ctx) => {
    const session = await signedIn(ctx);
    const id = approvalId.safeParse(ctx.params.id);
    if (!id.success) throw new ApprovalNotFoundError();
    const { report } = parseForm(denyRequest, ctx.request.body);
    await approvals.deny(id.data, session.account.id, cookieDeviceId(ctx), report, langOf(ctx), auditContextOf(ctx));
    ctx.body = { status: report ? 'reported' : 'denied' };
  });

  return router;
}
