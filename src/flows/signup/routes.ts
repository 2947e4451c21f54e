// Sign-up inside an authorization: passwordless first (e-mail → code → name → passkey), with the
// password sign-up of the foundation still available. The sign-up's progress is kept in a signed
// cookie bound to the interaction, so any tobira process can serve the next step.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../../audit/audit-log.ts';
import { parseBody } from '../../http/body.ts';
import { requireCsrf } from '../../http/csrf.ts';
import { setTrustedBrowserToken, trustedBrowserToken } from '../../http/browser-cookies.ts';
import { clearCookie, readSignedJson, writeSignedJson } from '../../http/signed-cookie.ts';
import type { RequestState } from '../../http/state.ts';
import { CHALLENGE_TTL_SECONDS } from '../../passkeys/passkey-service.ts';
import type { InteractionDeps } from '../../interactions/deps.ts';
import { completeLogin } from '../../interactions/finish.ts';
import { parseForm, passwordSignUpForm } from '../../http/forms.ts';
import { loadInteraction } from '../../interactions/load-interaction.ts';
import { onForm, showPage } from '../../interactions/page.ts';
import { SignupStepError } from './errors.ts';

const COOKIE = 'tobira.signup';
const email = z.string().trim().max(254).pipe(z.email());
const emailForm = z.object({ email });
const codeForm = z.object({ code: z.string().trim().min(1).max(12) });
const passkeyOptionsRequest = z.object({ name: z.string().trim().min(1).max(100) });
const verifyRequest = z.object({ response: z.unknown() });

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

export function signupRoutes(deps: InteractionDeps): Router {
  const { provider } = deps;
  const router = new Router();
  const form = [parseBody(deps.bodyLimitBytes), requireCsrf()];
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
      ctx.status = 303;
      ctx.redirect(`/interaction/${details.uid}/signup/code`);
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
      ctx.status = 303;
      ctx.redirect(`/interaction/${details.uid}/signup/passkey`);
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
    const { response } = parseForm(verifyRequest, ctx.request.body);
    if (!progress.userHandle || !progress.name) throw new SignupStepError();
    const credential = await deps.passkeys.verifyRegistration(registrationKey(details.uid), response, null);
    const audit = auditContextOf(ctx);
    const account = await deps.signup.complete({ email: progress.email, name: progress.name, userHandle: progress.userHandle, credential, lang: lang(ctx), audit });
    clearCookie(ctx, COOKIE);
    await deps.audit.record('login.succeeded', account.id, audit, { method: 'passkey', credentialId: credential.credentialId, client: details.params.client_id, signup: true });
    // Like a passkey sign-in, a passkey made in this browser makes it trusted.
    setTrustedBrowserToken(ctx, await deps.trustedBrowsers.trust(account.id, trustedBrowserToken(ctx), ctx.get('user-agent'), audit), deps.trustedBrowserDays);
    // Registration required user verification, so the new passkey proved both factors.
    await completeLogin(ctx, provider, account.id, { kind: 'passkey', hardwareBound: credential.deviceType === 'singleDevice' && !credential.backedUp, userVerified: true });
  });

  router.get('/signup/password', async (ctx) => {
    await showPage(ctx, deps, await loadInteraction(ctx, provider), 'signup-password');
  });

  router.post('/signup/password', ...form, async (ctx) => {
    const details = await loadInteraction(ctx, provider);
    const body = ctx.request.body as Record<string, string>;
    await onForm(ctx, deps, details, 'signup-password', { email: String(body.email ?? ''), name: String(body.name ?? '') }, async () => {
      const input = parseForm(passwordSignUpForm, body);
      const account = await deps.accounts.signUpWithPassword(input);
      const audit = auditContextOf(ctx);
      await deps.audit.record('account.created', account.id, audit, { method: 'password' });
      await completeLogin(ctx, provider, account.id, { kind: 'password' });
    });
  });

  return router;
}
