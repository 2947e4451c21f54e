// Sign-up inside an authorization: passwordless first (e-mail → code → name → passkey), with a
// password sign-up still available (e-mail → code → name and password): both prove the address
// before the account exists. The sign-up's progress is kept in a signed cookie bound to the
// interaction, so any tobira process can serve the next step.
import { seeOther } from '../../http/see-other.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../../http/audit-context.ts';
import { email, oneTimeCode, password, personName, webauthnResponse } from '../../http/fields.ts';
import { FlowCookie } from '../../http/flow-cookie.ts';
import { langOf, type RequestState } from '../../http/state.ts';
import { INTERACTION_PATH, type InteractionDeps } from '../../interactions/deps.ts';
import type { PasswordlessSignup } from './service.ts';
import { SignupStepError } from './errors.ts';
import * as flow from './flow.ts';
import { finishSignIn } from '../../interactions/finish.ts';
import { parseForm } from '../../http/forms.ts';
import { loadInteraction } from '../../interactions/load-interaction.ts';
import { onForm, phrRequired, showPage } from '../../interactions/page.ts';

const emailForm = z.object({ email });
const codeForm = z.object({ code: oneTimeCode });
const passkeyOptionsRequest = z.object({ name: personName });
const passwordSignUpForm = z.object({ name: personName, password: password.min(1) });
/** Which path the e-mail step starts: the password one only when asked for by name. */
const methodOf = (value: unknown): flow.SignupMethod => (value === 'password' ? 'password' : 'passkey');

export function signupRoutes(deps: InteractionDeps & { signup: PasswordlessSignup; now: () => number }): Router<RequestState> {
  const { provider, now } = deps;
  // The sign-up's progress, bound to its interaction: another sign-in's cookie reads as none.
  const cookie = new FlowCookie({ name: 'tobira.signup', schema: flow.signupStateSchema, lifetimeMs: flow.SIGNUP_LIFETIME_MS, now });
  const progressOf = (ctx: Context, uid: string): flow.SignupState => {
    const progress = cookie.read(ctx, uid);
    if (!progress) throw new SignupStepError();
    return progress;
  };
  const save = (ctx: Context, uid: string, progress: flow.SignupState): void => cookie.write(ctx, uid, progress, flow.remainingMs(progress, now()));
  const router = new Router<RequestState>({ prefix: INTERACTION_PATH });
  const form = deps.bodies.posted;
  const codeKey = (uid: string): string => `signup:${uid}`;
  const registrationKey = (uid: string): string => `reg:interaction:${uid}`;

  router.get('/signup', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    // A partner that requires phr gets no password sign-up.
    await showPage(ctx, deps, details, 'signup-email', { method: phrRequired(details) ? 'passkey' : methodOf(ctx.query.method) });
  });

  router.post('/signup/email', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const body = ctx.request.body as Record<string, string>;
    const method = phrRequired(details) ? 'passkey' : methodOf(body.method);
    await onForm(ctx, deps, details, 'signup-email', { email: String(body.email ?? '') }, async () => {
      const input = parseForm(emailForm, body);
      const address = await deps.signup.sendCode(codeKey(details.uid), input.email, langOf(ctx), ctx.ip || null);
      save(ctx, details.uid, flow.codeSent(address, now(), method));
      seeOther(ctx, `/interaction/${details.uid}/signup/code`);
    });
  });

  router.get('/signup/code', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = progressOf(ctx, details.uid);
    await showPage(ctx, deps, details, 'signup-code', { email: progress.email });
  });

  router.post('/signup/code', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = progressOf(ctx, details.uid);
    await onForm(ctx, deps, details, 'signup-code', { email: progress.email }, async () => {
      const input = parseForm(codeForm, ctx.request.body);
      const verifiedAddress = await deps.signup.verifyCode(codeKey(details.uid), input.code);
      const proven = flow.verified(progress, verifiedAddress, deps.signup.newUserHandle());
      save(ctx, details.uid, proven);
      seeOther(ctx, `/interaction/${details.uid}/signup/${proven.method}`);
    });
  });

  router.get('/signup/passkey', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = flow.requireVerified(progressOf(ctx, details.uid));
    await showPage(ctx, deps, details, 'signup-passkey', { email: progress.email });
  });

  router.post('/signup/passkey/options', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = flow.requireVerified(progressOf(ctx, details.uid));
    const { name } = parseForm(passkeyOptionsRequest, ctx.request.body);
    const named = flow.naming(progress, name, now());
    save(ctx, details.uid, named);
    ctx.body = {
      options: await deps.passkeys.registrationOptions(registrationKey(details.uid), { id: named.userHandle, name: named.email, displayName: name }, null),
    };
  });

  router.post('/signup/passkey/verify', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = flow.requireVerified(progressOf(ctx, details.uid));
    const { response } = parseForm(webauthnResponse, ctx.request.body);
    const signedUp = flow.done(progress);
    const credential = await deps.passkeys.verifyRegistration(registrationKey(details.uid), response, null);
    const audit = auditContextOf(ctx);
    const account = await deps.signup.complete({ email: signedUp.email, name: signedUp.name, userHandle: signedUp.userHandle, credential, lang: langOf(ctx), audit });
    cookie.clear(ctx);
    // Registration required user verification, so the new passkey proved both factors.
    await finishSignIn(ctx, deps, details, account, { kind: 'passkey', credentialId: credential.credentialId, hardwareBound: credential.deviceType === 'singleDevice' && !credential.backedUp, userVerified: true, signup: true });
  });

  // The password path: only after the code proved the address, so the address of a password
  // account is proven too and nothing (not even the strength check) runs for a stranger.
  router.get('/signup/password', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = cookie.read(ctx, details.uid);
    if (!progress || progress.step === 'code_sent' || phrRequired(details)) {
      ctx.redirect(`/interaction/${details.uid}/signup${phrRequired(details) ? '' : '?method=password'}`);
      return;
    }
    await showPage(ctx, deps, details, 'signup-password', { values: { email: progress.email } });
  });

  router.post('/signup/password', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const { email: address } = flow.withPassword(progressOf(ctx, details.uid));
    const body = ctx.request.body as Record<string, string>;
    await onForm(ctx, deps, details, 'signup-password', { name: String(body.name ?? ''), email: address }, async () => {
      const input = parseForm(passwordSignUpForm, body);
      await deps.signup.spendPasswordTry(address);
      const account = await deps.accounts.signUpWithPassword({ email: address, name: input.name, password: input.password }, auditContextOf(ctx));
      cookie.clear(ctx);
      await finishSignIn(ctx, deps, details, account, { kind: 'password', signup: true });
    });
  });

  return router;
}
