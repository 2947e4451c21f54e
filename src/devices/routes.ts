// The companion web app for the phone (/device, an installable PWA) and its JSON API
// (/device/api), which a native app can use the same way: set the phone up (its own passkey and
// Web Push subscription) and keep its subscription current. Approving sign-ins from the phone is
// the push-approval flow's (flows/push-approval/phone-routes.ts).
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../http/audit-context.ts';
import type { AccountGuard } from '../http/account-guard.ts';
import { browserBinding, phoneDeviceId, setPhoneDeviceId } from '../http/browser-cookies.ts';
import { enrolledPasskeyCookie } from '../http/enrolled-passkey.ts';
import { ACR } from '../assurance/assurance.ts';
import { csrfToken } from '../http/csrf.ts';
import { itemName } from '../http/fields.ts';
import { parseForm, type BodyReaders } from '../http/forms.ts';
import { render } from '../http/render.ts';
import type { AccountSession } from '../http/session.ts';
import { langOf, type RequestState } from '../http/state.ts';
import type { DeviceService } from './device-service.ts';
import { DeviceRequiredError, EnrolledPasskeyUnusableError } from './errors.ts';
import { requireCleanName } from '../names.ts';
import { InvalidInputError } from '../errors/http-errors.ts';

export interface DeviceRoutesDeps {
  guard: AccountGuard;
  devices: DeviceService;
  vapidPublicKey: string;
  bodies: BodyReaders;
  now?: () => number;
}

const setupOptionsRequest = z.object({ existing: z.boolean().default(false) });
const setupRequest = z.object({ name: itemName, subscription: z.unknown(), response: z.unknown().optional(), existing: z.boolean().default(false), enrolled: z.boolean().default(false) });
const subscriptionRequest = z.object({ subscription: z.unknown() });

export function deviceRoutes(deps: DeviceRoutesDeps): Router<RequestState> {
  const { guard, devices } = deps;
  const router = new Router<RequestState>({ prefix: '/device' });
  guard.allowReturnTo('/device');
  const json = deps.bodies.posted;
  const setupKey = (s: AccountSession): string => `reg:device:${s.account.id}:${s.sessionUid}`;
  const enrolledCookie = enrolledPasskeyCookie(deps.now ?? Date.now);
  /**
   * The passkey this browser registered with an enrolment link, when it can stand as the setup's
   * proof: same account, a passkey sign-in within the 5-minute window (the one right after the
   * enrolment), the passkey still the account's and not yet a phone.
   */
  const enrolledPasskey = async (ctx: Context, session: AccountSession): Promise<string | undefined> => {
    const held = enrolledCookie.read(ctx, browserBinding(ctx));
    if (!held || held.accountId !== session.account.id) return undefined;
    if (!guard.isFresh(session) || session.acr !== ACR.PHISHING_RESISTANT) return undefined;
    return await devices.enrolledPasskeyUsable(session.account.id, held.credentialId) ? held.credentialId : undefined;
  };
  /** The set-up phone this browser is for the signed-in account, looked up (undefined when none). */
  const currentDevice = (ctx: Context, session: AccountSession): ReturnType<DeviceService['current']> => devices.current(session.account.id, phoneDeviceId(ctx));

  router.get('/', async (ctx) => {
    const session = await guard.session(ctx);
    if (!session) {
      ctx.redirect('/account/login?next=/device');
      return;
    }
    const device = await currentDevice(ctx, session);
    const enrolled = device ? undefined : await enrolledPasskey(ctx, session);
    await render(ctx, 'device', { account: session.account, device, enrolled: enrolled !== undefined, csrf: csrfToken(ctx), vapidPublicKey: deps.vapidPublicKey });
  });

  /**
   * A phone that registers a new passkey adds a way in: a recent sign-in at the account's strength
   * first. One that proves a passkey the account already has (`existing`) proves it right there.
   */
  const freshEnoughToAdd = async (ctx: Context, session: AccountSession): Promise<boolean> =>
    guard.freshAtAccountStrengthOrSentToSignIn(ctx, session, await devices.accountHasPasskey(session.account.id), '/device');

  // Where device.js sends the user when setup was refused as not fresh enough: sign in again, then back.
  router.get('/confirm', async (ctx) => {
    const session = await guard.session(ctx);
    if (!session) {
      ctx.redirect('/account/login?next=/device');
      return;
    }
    if (await freshEnoughToAdd(ctx, session)) ctx.redirect('/device');
  });

  router.post('/api/setup/options', ...json, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const { existing } = parseForm(setupOptionsRequest, ctx.request.body);
    if (!existing && !await freshEnoughToAdd(ctx, session)) return;
    const options = existing ? await devices.existingPasskeyOptions(session.account, setupKey(session)) : await devices.registrationOptions(session.account, setupKey(session));
    ctx.body = { options, vapidPublicKey: deps.vapidPublicKey };
  });

  router.post('/api/setup', ...json, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const input = parseForm(setupRequest, ctx.request.body);
    if (input.enrolled) {
      // The passkey registered with the enrolment link on this browser is the proof: no ceremony.
      const credentialId = await enrolledPasskey(ctx, session);
      if (!credentialId) throw new EnrolledPasskeyUnusableError();
      const device = await devices.addEnrolled({
        account: session.account, credentialId, subscription: devices.checkSubscription(input.subscription), name: requireCleanName(input.name), lang: langOf(ctx), audit: auditContextOf(ctx),
      });
      enrolledCookie.clear(ctx);
      setPhoneDeviceId(ctx, device.id);
      ctx.body = { deviceId: device.id, name: device.name };
      return;
    }
    // Without the enrolled passkey a ceremony's response is what proves the phone.
    if (input.response === undefined) throw new InvalidInputError('response');
    if (!input.existing && !await freshEnoughToAdd(ctx, session)) return;
    const device = await devices.setUp({
      account: session.account,
      name: input.name,
      subscription: input.subscription,
      proof: input.existing ? { assertion: input.response } : { registration: input.response },
      challengeKey: setupKey(session),
      lang: langOf(ctx),
      audit: auditContextOf(ctx),
    });
    setPhoneDeviceId(ctx, device.id);
    ctx.body = { deviceId: device.id, name: device.name };
  });

  router.post('/api/subscription', ...json, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const { subscription } = parseForm(subscriptionRequest, ctx.request.body);
    // No approval service call follows here, so the device is checked before the update.
    const device = await currentDevice(ctx, session);
    if (!device) throw new DeviceRequiredError();
    await devices.updateSubscription(session.account.id, device.id, subscription);
    ctx.body = { ok: true };
  });

  return router;
}
