// The account menu (/account): the user's passkeys, listed, renamed, deleted and added. Signing in
// goes through the provider like any partner would (tobira-account, response_type none), so every
// sign-in method and every rule of the sign-in pages applies here too.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { AccountService } from '../accounts/account-service.ts';
import { auditContextOf } from '../audit/audit-log.ts';
import { InvalidInputError } from '../errors/http-errors.ts';
import { parseBody } from '../http/body.ts';
import { csrfToken, requireCsrf } from '../http/csrf.ts';
import { render } from '../http/render.ts';
import { clearCookie, readSignedJson, writeSignedJson } from '../http/signed-cookie.ts';
import type { RequestState } from '../http/state.ts';
import { parseForm } from '../http/forms.ts';
import { ACCOUNT_CLIENT_ID } from '../clients/first-party.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import { tokenHash } from '../browsers/trusted-browser-service.ts';
import type { DeviceService } from '../devices/device-service.ts';
import { trustedBrowserToken } from '../http/browser-cookies.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import { providerName } from '../passkeys/provider-names.ts';
import { currentSession, isFresh, type AccountSession } from '../http/session.ts';
import { NotSignedInError, PasskeyReauthenticationRequiredError, ReauthenticationRequiredError } from './errors.ts';
import { ALWAYS_PASSKEY_PAGES } from '../always-passkey/pages.ts';
import type { AlwaysPasskeyService } from '../always-passkey/service.ts';
import { CONTACT_PAGES } from '../contacts/contact-pages.ts';
import { VIEW_KEYS } from '../i18n/view-keys.ts';
import type { ConnectedServices } from './connected-services.ts';
import type { Profile } from './profile.ts';
import type { SignInHistory } from './sign-in-history.ts';
import type { VerifiedContact } from '../store/types.ts';
import { ACR } from '../assurance/assurance.ts';

export interface AccountMenuDeps {
  issuer: string;
  provider: Provider;
  accounts: AccountService;
  passkeys: PasskeyService;
  devices: DeviceService;
  trustedBrowsers: TrustedBrowserService;
  bodyLimitBytes: number;
  displayTimeZone: string;
  alwaysPasskey: AlwaysPasskeyService;
  profile: Profile;
  history: SignInHistory;
  services: ConnectedServices;
  now?: () => number;
}

const LOGIN_COOKIE = 'tobira.account.login';
const credentialField = z.string().min(1).max(1_400).regex(/^[A-Za-z0-9_-]+$/);
const renameForm = z.object({ credentialId: credentialField, name: z.string().trim().min(1).max(64) });
const deleteForm = z.object({ credentialId: credentialField });
const verifyRequest = z.object({ response: z.unknown() });
const idField = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const renameItemForm = z.object({ id: idField, name: z.string().trim().min(1).max(64) });
const itemForm = z.object({ id: idField });
const nameForm = z.object({ name: z.string().trim().min(1).max(100) });
const NEXT_PATHS = new Set(['/account', '/device', ...ALWAYS_PASSKEY_PAGES, ...CONTACT_PAGES]);

/** Who is asking, and whether they signed in recently: shared by every route under /account. */
export interface AccountGuard {
  /** The signed-in user; NotSignedInError when there is none. */
  signedIn(ctx: Context): Promise<AccountSession>;
  /** Starts a sign-in through the provider; with `reauthAs`, the user must sign in again as themselves. */
  toLogin(ctx: Context, reauthAs?: string, next?: string): void;
  /**
   * Sensitive changes need a sign-in within the last 5 minutes: false (and the user sent to sign in
   * again as themselves, or a JSON refusal) when the session is older; back at `next` afterwards.
   */
  freshOrSentToSignIn(ctx: Context, session: AccountSession, next?: string): boolean;
  /**
   * Like freshOrSentToSignIn, but the recent sign-in must have been with a passkey (acr phr); else
   * the user signs in again with a passkey only and comes back to `next`.
   */
  freshPasskeyOrSentToSignIn(ctx: Context, session: AccountSession, next: string): boolean;
  /** A new sign-in with a passkey, whatever session this browser has, then back at `next`. */
  signInWithNewPasskey(ctx: Context, next?: string): void;
  /**
   * After every sign-in of the account ended (this browser's too): sign in again as `email`, then
   * back at /account with `query` (the notice saying what happened).
   */
  signInAgain(ctx: Context, email: string, query: Record<string, string>): void;
}

/** What the account menu's sign-in remembers until the callback. */
interface PendingLogin {
  state: string;
  next: string;
  /** Added to `next` after the sign-in (a notice). */
  query?: Record<string, string>;
}

export function accountGuard(deps: Pick<AccountMenuDeps, 'issuer' | 'provider' | 'accounts' | 'now'>): AccountGuard {
  const now = deps.now ?? Date.now;

  /**
   * `reauthAs`: the user must sign in again as themselves; `passkeyOnly`: with a passkey only;
   * `fresh`: sign in again even when a session exists (whoever it belongs to).
   */
  function toLogin(ctx: Context, reauthAs?: string, next = '/account', passkeyOnly = false, fresh = false, query?: Record<string, string>): void {
    const state = randomBytes(16).toString('base64url');
    writeSignedJson(ctx, LOGIN_COOKIE, { state, next: NEXT_PATHS.has(next) ? next : '/account', ...(query ? { query } : {}) } satisfies PendingLogin, 10 * 60_000);
    const url = new URL(`${deps.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      response_type: 'none',
      redirect_uri: `${deps.issuer}/account/callback`,
      scope: 'openid',
      state,
      ...(reauthAs ? { prompt: 'login', login_hint: reauthAs } : fresh ? { prompt: 'login' } : {}),
      // Asking for phr offers only passkeys on the sign-in page (and its policy insists on one).
      ...(passkeyOnly ? { acr_values: ACR.PHISHING_RESISTANT } : {}),
    }).toString();
    ctx.status = 303;
    ctx.redirect(url.href);
  }

  return {
    async signedIn(ctx) {
      const session = await currentSession(ctx, deps.provider, deps.accounts);
      if (!session) throw new NotSignedInError();
      return session;
    },
    toLogin,
    freshOrSentToSignIn(ctx, session, next) {
      if (isFresh(session, now())) return true;
      if (ctx.accepts('html', 'json') === 'json') throw new ReauthenticationRequiredError();
      toLogin(ctx, session.account.email, next);
      return false;
    },
    freshPasskeyOrSentToSignIn(ctx, session, next) {
      if (isFresh(session, now()) && session.acr === ACR.PHISHING_RESISTANT) return true;
      if (ctx.accepts('html', 'json') === 'json') throw new PasskeyReauthenticationRequiredError();
      toLogin(ctx, session.account.email, next, true);
      return false;
    },
    signInWithNewPasskey(ctx, next) {
      toLogin(ctx, undefined, next, true, true);
    },
    signInAgain(ctx, email, query) {
      toLogin(ctx, email, '/account', false, false, query);
    },
  };
}

export function accountRoutes(deps: AccountMenuDeps): Router {
  const { provider, accounts, passkeys } = deps;
  const now = deps.now ?? Date.now;
  const router = new Router({ prefix: '/account' });
  const form = [parseBody(deps.bodyLimitBytes), requireCsrf()];
  const registrationKey = (s: AccountSession): string => `reg:account:${s.account.id}:${s.sessionUid}`;
  const guard = accountGuard(deps);
  const { signedIn, toLogin, freshOrSentToSignIn } = guard;

  router.get('/', async (ctx) => {
    const session = await currentSession(ctx, provider, accounts);
    if (!session) {
      toLogin(ctx);
      return;
    }
    const lang = (ctx.state as RequestState).lang;
    const format = new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: deps.displayTimeZone });
    const list = await passkeys.list(session.account.id);
    const phones = await deps.devices.list(session.account.id);
    const browsers = await deps.trustedBrowsers.list(session.account.id);
    const token = trustedBrowserToken(ctx);
    const thisBrowserHash = token ? tokenHash(token) : '';
    const { t } = ctx.state as RequestState;
    const contact = (c: VerifiedContact | null): { value: string; verifiedAt: string } | null => (c ? { value: c.value, verifiedAt: format.format(c.verifiedAt) } : null);
    const [services, history] = await Promise.all([deps.services.list(session.account.id), deps.history.list(session.account.id, lang)]);
    await render(ctx, 'account', {
      contacts: { email: contact(session.account.contactEmail), mobile: contact(session.account.contactMobile) },
      services: services.map((s) => ({ id: s.id, clientId: s.clientId, name: s.name, scopes: s.scopes.length ? s.scopes : ['openid'], since: s.since ? format.format(s.since) : '' })),
      history: history.map((h) => {
        const reasonKey = VIEW_KEYS.signInFailure(h.reason);
        return { ...h, at: format.format(h.at), reason: reasonKey ? t(reasonKey) : h.reason ?? '' };
      }),
      phones: phones.map((d) => ({ id: d.id, name: d.name, createdAt: format.format(d.createdAt), lastSeenAt: format.format(d.lastSeenAt) })),
      browsers: browsers.map((b) => ({ id: b.id, name: b.name, label: b.label, current: b.tokenHash === thisBrowserHash, createdAt: format.format(b.createdAt), lastUsedAt: format.format(b.lastUsedAt) })),
      deviceUrl: `${deps.issuer}/device`,
      alwaysPasskey: await deps.alwaysPasskey.status(session.account),
      account: session.account,
      csrf: csrfToken(ctx),
      rpId: passkeys.rpId,
      fresh: isFresh(session, now()),
      notice: typeof ctx.query.notice === 'string' ? ctx.query.notice : '',
      deleted: typeof ctx.query.deleted === 'string' && /^[A-Za-z0-9_-]+$/.test(ctx.query.deleted) ? ctx.query.deleted : '',
      passkeys: list.map((p) => ({
        credentialId: p.credentialId,
        name: p.name,
        provider: providerName(p.aaguid) ?? '',
        synced: p.backedUp,
        createdAt: format.format(p.createdAt),
        lastUsedAt: p.lastUsedAt ? format.format(p.lastUsedAt) : '',
      })),
    });
  });

  router.get('/login', (ctx) => {
    const next = typeof ctx.query.next === 'string' ? ctx.query.next : undefined;
    // After an enrolment link the new passkey must be the one that signs in: a session another
    // account left in this browser must not be reused for the phone setup that follows.
    if (ctx.query.with === 'new-passkey') guard.signInWithNewPasskey(ctx, next);
    else toLogin(ctx, undefined, next);
  });

  router.get('/callback', async (ctx) => {
    const pending = readSignedJson<PendingLogin>(ctx, LOGIN_COOKIE);
    clearCookie(ctx, LOGIN_COOKIE);
    if (!pending || ctx.query.state !== pending.state) throw new InvalidInputError('state');
    if (typeof ctx.query.error === 'string') {
      ctx.redirect('/');
      return;
    }
    const next = NEXT_PATHS.has(pending.next) ? pending.next : '/account';
    ctx.redirect(pending.query ? `${next}?${new URLSearchParams(pending.query).toString()}` : next);
  });

  router.post('/passkeys/options', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const { account } = session;
    ctx.body = { options: await passkeys.registrationOptions(registrationKey(session), { id: account.webauthnUserId, name: account.email, displayName: account.name }, account.id) };
  });

  router.post('/passkeys/verify', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const { response } = parseForm(verifyRequest, ctx.request.body);
    const credential = await passkeys.verifyRegistration(registrationKey(session), response, session.account.id);
    const passkey = await passkeys.addPasskey(session.account, credential, (ctx.state as RequestState).lang, auditContextOf(ctx));
    ctx.body = { credentialId: passkey.credentialId, name: passkey.name };
  });

  router.post('/passkeys/rename', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(renameForm, ctx.request.body);
    await passkeys.rename(session.account.id, input.credentialId, input.name, auditContextOf(ctx));
    ctx.status = 303;
    ctx.redirect('/account?notice=renamed');
  });

  router.post('/passkeys/delete', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(deleteForm, ctx.request.body);
    if (!freshOrSentToSignIn(ctx, session)) return;
    const audit = auditContextOf(ctx);
    await passkeys.remove(session.account, input.credentialId, audit);
    const phoneRemoved = await deps.devices.forgetCredential(session.account, input.credentialId, audit, { lang: (ctx.state as RequestState).lang });
    // The page tells the browser's passkey manager the credential is gone (WebAuthn Signal API).
    if (phoneRemoved) {
      // It was a phone's: every sign-in ended, this one too.
      guard.signInAgain(ctx, session.account.email, { notice: 'phone_removed', deleted: input.credentialId });
      return;
    }
    ctx.status = 303;
    ctx.redirect(`/account?notice=deleted&deleted=${encodeURIComponent(input.credentialId)}`);
  });

  router.post('/phones/rename', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(renameItemForm, ctx.request.body);
    await deps.devices.rename(session.account.id, input.id, input.name, auditContextOf(ctx));
    ctx.status = 303;
    ctx.redirect('/account?notice=renamed');
  });

  router.post('/phones/remove', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.request.body);
    if (!freshOrSentToSignIn(ctx, session)) return;
    await deps.devices.remove(session.account, input.id, auditContextOf(ctx), { lang: (ctx.state as RequestState).lang });
    // Every sign-in of the account ended, this browser's too: whoever holds the phone may be the
    // one at this keyboard. The user signs in again and then sees what happened.
    guard.signInAgain(ctx, session.account.email, { notice: 'phone_removed' });
  });

  router.post('/browsers/rename', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(renameItemForm, ctx.request.body);
    await deps.trustedBrowsers.rename(session.account.id, input.id, input.name, auditContextOf(ctx));
    ctx.status = 303;
    ctx.redirect('/account?notice=renamed');
  });

  router.post('/browsers/revoke', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.request.body);
    await deps.trustedBrowsers.revoke(session.account.id, input.id, auditContextOf(ctx));
    ctx.status = 303;
    ctx.redirect('/account?notice=revoked');
  });

  router.post('/browsers/revoke-all', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    await deps.trustedBrowsers.revokeAll(session.account.id, auditContextOf(ctx));
    ctx.status = 303;
    ctx.redirect('/account?notice=revoked');
  });

  router.post('/profile/name', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(nameForm, ctx.request.body);
    await deps.profile.changeName(session.account, input.name, auditContextOf(ctx));
    ctx.status = 303;
    ctx.redirect('/account?notice=name_changed');
  });

  // Disconnecting a partner only takes access away, so it needs no fresh sign-in.
  router.post('/services/revoke', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.request.body);
    await deps.services.disconnect(session.account.id, input.id, auditContextOf(ctx));
    ctx.status = 303;
    ctx.redirect('/account?notice=service_disconnected');
  });

  return router;
}
