// Sign-up inside an authorization: passwordless first (e-mail → code → name → passkey), with the
// password sign-up of the foundation still available. The sign-up's progress is kept in a signed
// cookie bound to the interaction, so any tobira process can serve the next step.
import { seeOther } from '../../http/see-other.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../../audit/audit-log.ts';
import { email, oneTimeCode, password, personName, webauthnResponse } from '../../http/fields.ts';
import { clearCookie, readSignedJson, writeSignedJson } from '../../http/signed-cookie.ts';
import type { RequestState } from '../../http/state.ts';
import { CHALLENGE_TTL_SECONDS } from '../../passkeys/passkey-service.ts';
import { INTERACTION_PATH, type InteractionDeps } from '../../interactions/deps.ts';
import type { PasswordlessSignup } from './service.ts';
import { finishSignIn } from '../../interactions/finish.ts';
import { parseForm } from '../../http/forms.ts';
import { loadInteraction } from '../../interactions/load-interaction.ts';
import { onForm, showPage } from '../../interactions/page.ts';
import { SignupStepError } from './errors.ts';

const COOKIE = 'tobira.signup';
const emailForm = z.object({ email });
const codeForm = z.object({ code: oneTimeCode });
const passkeyOptionsRequest = z.object({ name: personName });
const passwordSignUpForm = z.object({ name: personName, email, password: password.min(1) });

interface SignupProgress {
  uid: string;
  email: string;
  verified: boolean;
  userHandle?: string;
  name?: string;
  /** epoch ms */
  exp: number;
}

function progressOf(ctx: Context, uid: string, needVerified: boolean): SignupProgress {
  const progress = readSignedJson<SignupProgress>(ctx, COOKIE);
  if (!progress || progress.uid !== uid || progress.exp < Date.now() || (needVerified && !progress.verified)) throw new SignupStepError();
  return progress;
}

function saveProgress(ctx: Context, progress: SignupProgress): void {
  writeSignedJson(ctx, COOKIE, progress, progress.exp - Date.now());
}

export function signupRoutes(deps: InteractionDeps & { signup: PasswordlessSignup }): Router<RequestState> {
  const { provider } = deps;
  const router = new Router<RequestState>({ prefix: INTERACTION_PATH });
  const form = deps.bodies.posted;
  const codeKey = (uid: string): string => `signup:${uid}`;
  const registrationKey = (uid: string): string => `reg:interaction:${uid}`;
  const lang = (ctx: Context): RequestState['lang'] => (ctx.state as RequestState).lang;

  router.get('/signup', async (ctx) => {
    await showPage(ctx, deps, await loadInteraction(ctx, provider), 'signup-email');
  });

  router.post('/signup/email', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const body = ctx.request.body as Record<string, string>;
    await onForm(ctx, deps, details, 'signup-email', { email: String(body.email ?? '') }, async () => {
      const input = parseForm(emailForm, body);
      const address = await deps.signup.sendCode(codeKey(details.uid), input.email, lang(ctx));
      saveProgress(ctx, { uid: details.uid, email: address, verified: false, exp: Date.now() + 30 * 60_000 });
      seeOther(ctx, `/interaction/${details.uid}/signup/code`);
    });
  });

  router.get('/signup/code', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = progressOf(ctx, details.uid, false);
    await showPage(ctx, deps, details, 'signup-code', { email: progress.email });
  });

  router.post('/signup/code', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = progressOf(ctx, details.uid, false);
    await onForm(ctx, deps, details, 'signup-code', { email: progress.email }, async () => {
      const input = parseForm(codeForm, ctx.request.body);
      const verifiedAddress = await deps.signup.verifyCode(codeKey(details.uid), input.code);
      if (verifiedAddress !== progress.email) throw new SignupStepError();
      saveProgress(ctx, { ...progress, verified: true, userHandle: deps.signup.newUserHandle() });
      seeOther(ctx, `/interaction/${details.uid}/signup/passkey`);
    });
  });

  router.get('/signup/passkey', async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = progressOf(ctx, details.uid, true);
    await showPage(ctx, deps, details, 'signup-passkey', { email: progress.email });
  });

  router.post('/signup/passkey/options', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = progressOf(ctx, details.uid, true);
    const { name } = parseForm(passkeyOptionsRequest, ctx.request.body);
    if (!progress.userHandle) throw new SignupStepError();
    saveProgress(ctx, { ...progress, name, exp: Math.max(progress.exp, Date.now() + CHALLENGE_TTL_SECONDS * 1000) });
    ctx.body = {
      options: await deps.passkeys.registrationOptions(registrationKey(details.uid), { id: progress.userHandle, name: progress.email, displayName: name }, null),
    };
  });

  router.post('/signup/passkey/verify', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const progress = progressOf(ctx, details.uid, true);
    const { response } = parseForm(webauthnResponse, ctx.request.body);
    if (!progress.userHandle || !progress.name) throw new SignupStepError();
    const credential = await deps.passkeys.verifyRegistration(registrationKey(details.uid), response, null);
    const audit = auditContextOf(ctx);
    const account = await deps.signup.complete({ email: progress.email, name: progress.name, userHandle: progress.userHandle, credential, lang: lang(ctx), audit });
    clearCookie(ctx, COOKIE);
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
