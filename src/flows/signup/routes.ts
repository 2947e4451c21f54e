// Sign-up inside an authorization: passwordless first (e-mail → code → name → passkey), with the
// password sign-up of the foundation still available. The sign-up's progress is kept in a signed
// cookie bound to the interaction, so any tobira process can serve the next step.
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
import { onForm, showPage } from '../../interactions/page.ts';

const emailForm = z.object({ email });
const codeForm = z.object({ code: oneTimeCode });
const passkeyOptionsRequest = z.object({ name: personName });
const passwordSignUpForm = z.object({ name: personName, email, password: password.min(1) });

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
    await showPage(ctx, deps, await loadInteraction(ctx, provider), 'signup-email');
  });

  router.post('/signup/email', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const body = ctx.request.body as Record<string, string>;
    await onForm(ctx, deps, details, 'signup-email', { email: String(body.email ?? '') }, async () => {
      const input = parseForm(emailForm, body);
      const address = await deps.signup.sendCode(codeKey(details.uid), input.email, langOf(ctx), ctx.ip || null);
      save(ctx, details.uid, flow.codeSent(address, now()));
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
      save(ctx, details.uid, flow.verified(progress, verifiedAddress, deps.signup.newUserHandle()));
      seeOther(ctx, `/interaction/${details.uid}/signup/passkey`);
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

  router.get('/signup/password', async (ctx) => {
    await showPage(ctx, deps, await loadInteraction(ctx, provider), 'signup-password');
  });

  router.post('/signup/password', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const body = ctx.request.body as Record<string, string>;
    await onForm(ctx, deps, details, 'signup-password', { email: String(body.email ?? ''), name: String(body.name ?? '') }, async () => {
      const input = parseForm(passwordSignUpForm, body);
      const account = await deps.accounts.signUpWithPassword(input, auditContextOf(ctx));
      await finishSignIn(ctx, deps, details, account, { kind: 'password', signup: true });
    });
  });

  return router;
}
