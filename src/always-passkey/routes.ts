// The always-passkey switch of the account menu: a confirmation page before turning it on, and a
// new-password form (after a fresh passkey sign-in) to turn it off.
import { refusalOnPage, showingRefusals } from '../http/form-refusal.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ConfirmationRequiredError, NewPasswordRequiredError, PhoneRequiredError } from './errors.ts';
import type { AlwaysPasskeyService } from './service.ts';
import { auditContextOf } from '../http/audit-context.ts';
import type { AppError } from '../errors/app-error.ts';
import { csrfToken } from '../http/csrf.ts';
import { password } from '../http/fields.ts';
import { seeOther } from '../http/see-other.ts';
import { render } from '../http/render.ts';
import { langOf, type RequestState } from '../http/state.ts';
import { parseForm, type BodyReaders } from '../http/forms.ts';
import type { AccountSession } from '../http/session.ts';
import type { AccountGuard } from '../http/account-guard.ts';
import { ACR } from '../assurance/assurance.ts';

export interface AlwaysPasskeyRoutesDeps {
  alwaysPasskey: AlwaysPasskeyService;
  guard: AccountGuard;
  bodies: BodyReaders;
}

const ON_PAGE = '/account/always-passkey/on';
const OFF_PAGE = '/account/always-passkey/off';
/** The menu with the "it is on" notice: where a password session that turned it on signs in again to. */
const ON_DONE_PAGE = '/account?notice=always_passkey_on';

const onForm = z.object({ confirm: z.literal('yes').optional() });
const offForm = z.object({ password: password.optional() });

export function alwaysPasskeyRoutes(deps: AlwaysPasskeyRoutesDeps): Router<RequestState> {
  const { alwaysPasskey, guard } = deps;
  const router = new Router<RequestState>({ prefix: '/account/always-passkey' });
  const form = deps.bodies.posted;
  guard.allowReturnTo(ON_PAGE, OFF_PAGE, ON_DONE_PAGE);

  /** The signed-in user, or undefined after sending the browser to sign in (and back to `page`). */
  async function signedInOrSent(ctx: Context, page: string): Promise<AccountSession | undefined> {
    const session = await guard.session(ctx);
    if (!session) guard.toLogin(ctx, undefined, page);
    return session;
  }

  async function showOffPage(ctx: Context, session: AccountSession, error?: AppError): Promise<void> {
    await render(ctx, 'always-passkey-off', {
      csrf: csrfToken(ctx),
      email: session.account.email,
      ...refusalOnPage(ctx, error),
    }, error?.status ?? 200);
  }

  router.get('/on', async (ctx) => {
    const session = await signedInOrSent(ctx, ON_PAGE);
    if (!session || !guard.freshOrSentToSignIn(ctx, session, ON_PAGE, 'always_passkey_on')) return;
    if (session.account.alwaysPasskey) {
      ctx.redirect('/account');
      return;
    }
    const status = await alwaysPasskey.status(session.account);
    if (status.phones.length === 0) throw new PhoneRequiredError();
    await render(ctx, 'always-passkey-on', { csrf: csrfToken(ctx), phones: status.phones, services: status.passwordDependentServices, hasPassword: status.hasPassword });
  });

  router.post('/on', ...form, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const input = parseForm(onForm, ctx.request.body);
    if (!guard.freshOrSentToSignIn(ctx, session, ON_PAGE, 'always_passkey_on')) return;
    if (input.confirm !== 'yes') throw new ConfirmationRequiredError();
    await alwaysPasskey.turnOn(session.account, { audit: auditContextOf(ctx), lang: langOf(ctx) });
    if (session.acr === ACR.PASSWORD) {
      // This session rested on the password just deleted and has ended with it: the user signs in
      // again (with the passkey or the phone) and comes back to the notice.
      guard.toLogin(ctx, session.account.email, ON_DONE_PAGE, 'always_passkey_on_done');
      return;
    }
    seeOther(ctx, ON_DONE_PAGE);
  });

  router.get('/off', async (ctx) => {
    const session = await signedInOrSent(ctx, OFF_PAGE);
    if (!session || !guard.freshPasskeyOrSentToSignIn(ctx, session, OFF_PAGE)) return;
    if (!session.account.alwaysPasskey) {
      ctx.redirect('/account');
      return;
    }
    await showOffPage(ctx, session);
  });

  router.post('/off', ...form, async (ctx) => {
    const session = await guard.signedIn(ctx);
    const input = parseForm(offForm, ctx.request.body);
    if (!guard.freshPasskeyOrSentToSignIn(ctx, session, OFF_PAGE)) return;
    // A refused password is shown on the form, to try another one.
    await showingRefusals(async () => {
      if (!input.password) throw new NewPasswordRequiredError();
      await alwaysPasskey.turnOff(session.account, input.password, { audit: auditContextOf(ctx), lang: langOf(ctx) });
      seeOther(ctx, '/account?notice=always_passkey_off');
    }, (error) => showOffPage(ctx, session, error), () => ctx.accepts('html', 'json') !== 'json');
  });

  return router;
}
