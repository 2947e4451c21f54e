// Phone setup from a signed-in PC. The PC's side lives in the account menu (/account/phone-setup):
// it shows a code, its QR code and the short link, and polls a small JSON status. The phone's side
// is the short link (/p): enter the code (the QR code's link carries it in its fragment, which the
// page's script fills in), then one page registers the phone's passkey and its notifications.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import type { AccountGuard } from '../../http/account-guard.ts';
import { auditContextOf } from '../../http/audit-context.ts';
import { browserBinding, setPhoneDeviceId } from '../../http/browser-cookies.ts';
import { browserLabel } from '../../browsers/browser-label.ts';
import { csrfToken } from '../../http/csrf.ts';
import { itemName, randomId } from '../../http/fields.ts';
import { FlowCookie } from '../../http/flow-cookie.ts';
import { parseForm, type BodyReaders } from '../../http/forms.ts';
import { refusalOnPage } from '../../http/form-refusal.ts';
import { render } from '../../http/render.ts';
import { seeOther } from '../../http/see-other.ts';
import { langOf, type RequestState } from '../../http/state.ts';
import { AFTER_ENROLMENT } from '../enrolment/routes.ts';
import { PhoneHandoffInvalidError } from './errors.ts';
import { formatCode } from './flow.ts';
import type { PhoneHandoffService, PhoneKey } from './service.ts';

export interface PhoneHandoffRoutesDeps {
  issuer: string;
  guard: AccountGuard;
  handoffs: PhoneHandoffService;
  vapidPublicKey: string;
  bodies: BodyReaders;
  now: () => number;
  /** Whether the account holds a passkey: then a fresh sign-in must have proved one (AccountGuard). */
  hasPasskey: (accountId: string) => Promise<boolean>;
}

/** The PC's page, where a sign-in for freshness comes back to. */
export const PC_PAGE = '/account/phone-setup';
/** The short link the phone opens (typed, or from the QR code with the code after '#'). */
export const PHONE_PAGE = '/p';

const codeRequest = z.object({ code: z.string().max(32).catch('') });
// A missing subscription is the service's to refuse (notifications_required), with what to do.
const setupRequest = z.object({ name: itemName, subscription: z.unknown().optional(), response: z.unknown() });
const phoneKey: z.ZodType<PhoneKey> = z.object({ handoffId: randomId, ticketId: randomId, secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

/**
 * A recent sign-in at the account's strength: a passkey for an always-passkey account, any
 * method otherwise (as for adding a passkey in the account menu). False when the user was sent to
 * sign in again (back at the PC page afterwards).
 */

export function phoneHandoffRoutes(deps: PhoneHandoffRoutesDeps): Router<RequestState> {
  const { guard, handoffs } = deps;
  const router = new Router<RequestState>();
  const form = deps.bodies.posted;
  const phoneCookie = new FlowCookie<PhoneKey>({ name: 'tobira.phone-setup', schema: phoneKey, lifetimeMs: handoffs.ttlSeconds * 1000, now: deps.now });
  guard.allowReturnTo(PC_PAGE);
  const shortLink = `${deps.issuer}${PHONE_PAGE}`;

  // The PC: what will happen, and the button that shows a code.
  router.get(PC_PAGE, async (ctx) => {
    const session = await guard.session(ctx);
    if (!session) {
      guard.toLogin(ctx, undefined, PC_PAGE);
      return;
    }
    if (!guard.freshAtAccountStrengthOrSentToSignIn(ctx, session, await deps.hasPasskey(session.account.id), PC_PAGE)) return;
    await render(ctx, 'phone-setup-start', { account: session.account, csrf: csrfToken(ctx), minutes: Math.ceil(handoffs.ttlSeconds / 60) });
  });

  // The PC: a new hand-off, shown at once (the code exists nowhere else: only its hash is stored).
  router.post(PC_PAGE, ...form, async (ctx) => {
    const session = await guard.signedIn(ctx);
    if (!guard.freshAtAccountStrengthOrSentToSignIn(ctx, session, await deps.hasPasskey(session.account.id), PC_PAGE)) return;
    const { handoff, code } = await handoffs.start({ account: session.account, sessionUid: session.sessionUid }, auditContextOf(ctx));
    const shown = formatCode(code);
    const qrLink = `${shortLink}#${shown}`;
    // qrcode is loaded by the first page that shows a code, not at start.
    const { default: QRCode } = await import('qrcode');
    const qrSvg = await QRCode.toString(qrLink, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    ctx.set('Cache-Control', 'no-store');
    await render(ctx, 'phone-setup-pc', {
      account: session.account,
      handoffId: handoff.id,
      code: shown,
      shortLink,
      qrSvg,
      minutes: Math.ceil(handoffs.ttlSeconds / 60),
      expiresAt: handoff.expiresAt.toISOString(),
      csrf: csrfToken(ctx),
    });
  });

  // The PC's page polls this until the phone is ready.
  router.get(`${PC_PAGE}/:id/status`, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const id = randomId.safeParse(ctx.params.id);
    const status = id.success ? await handoffs.pcStatus(id.data, { account: session.account, sessionUid: session.sessionUid }) : { state: 'expired', deviceName: null };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = status;
  });

  // The phone: the code (filled in from the QR code's link by the page's script).
  router.get(PHONE_PAGE, async (ctx) => {
    await render(ctx, 'phone-setup-code', { csrf: csrfToken(ctx), ...refusalOnPage(ctx, undefined), shortLink });
  });

  router.post(PHONE_PAGE, ...form, async (ctx) => {
    const { code } = parseForm(codeRequest, ctx.request.body);
    try {
      const { key, expiresAt } = await handoffs.claim(code, ctx.ip, auditContextOf(ctx));
      phoneCookie.write(ctx, browserBinding(ctx), key, expiresAt.getTime() - deps.now());
      seeOther(ctx, `${PHONE_PAGE}/setup`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      await render(ctx, 'phone-setup-code', { csrf: csrfToken(ctx), ...refusalOnPage(ctx, err), shortLink }, err.status);
    }
  });

  const keyOf = (ctx: Context): PhoneKey => {
    const key = phoneCookie.read(ctx, browserBinding(ctx));
    if (!key) throw new PhoneHandoffInvalidError();
    return key;
  };

  // The phone: one page for its passkey and its notifications.
  router.get(`${PHONE_PAGE}/setup`, async (ctx) => {
    const { account } = await handoffs.forPhone(keyOf(ctx));
    await render(ctx, 'phone-setup-phone', { account, csrf: csrfToken(ctx), vapidPublicKey: deps.vapidPublicKey });
  });

  router.post(`${PHONE_PAGE}/setup/options`, ...form, async (ctx) => {
    ctx.body = { options: await handoffs.registrationOptions(keyOf(ctx)), vapidPublicKey: deps.vapidPublicKey };
  });

  // "This wasn't me / cancel": the phone did not expect this set-up. The hand-off ends, the owner
  // is told; the phone is back on the code page, saying so.
  router.post(`${PHONE_PAGE}/setup/refuse`, ...form, async (ctx) => {
    const key = keyOf(ctx);
    const where = [browserLabel(ctx.get('user-agent'), langOf(ctx)), ctx.ip].filter(Boolean).join(', ');
    await handoffs.refuse(key, where, langOf(ctx), auditContextOf(ctx));
    phoneCookie.clear(ctx);
    await render(ctx, 'phone-setup-code', { csrf: csrfToken(ctx), ...refusalOnPage(ctx, undefined), shortLink, refused: true });
  });

  router.post(`${PHONE_PAGE}/setup`, ...form, async (ctx) => {
    const key = keyOf(ctx);
    const input = parseForm(setupRequest, ctx.request.body);
    const device = await handoffs.complete(key, input, langOf(ctx), auditContextOf(ctx));
    phoneCookie.clear(ctx);
    setPhoneDeviceId(ctx, device.id);
    // Next: sign in on the phone with the passkey just made, then /device shows the phone ready.
    ctx.body = { name: device.name, next: AFTER_ENROLMENT };
  });

  return router;
}
