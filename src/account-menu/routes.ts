// The account menu (/account): the user's passkeys, phones, trusted browsers, name, connected
// services and sign-in history. Who is signed in, and the way back to sign in, is http/account-guard.
import { formatContactValue } from '../i18n/format-phone.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../http/audit-context.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { AccountGuard } from '../http/account-guard.ts';
import { csrfToken } from '../http/csrf.ts';
import { credentialId, itemName, personName, recordId, webauthnResponse } from '../http/fields.ts';
import { seeOther } from '../http/see-other.ts';
import { render } from '../http/render.ts';
import { langOf, stateOf, type RequestState } from '../http/state.ts';
import { parseForm, type BodyReaders } from '../http/forms.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import { tokenHash } from '../browsers/trusted-browser-service.ts';
import type { DeviceService } from '../devices/device-service.ts';
import { trustedBrowserToken } from '../http/browser-cookies.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import { providerName } from '../passkeys/provider-names.ts';
import type { AccountSession } from '../http/session.ts';
import type { AlwaysPasskeyService } from '../always-passkey/service.ts';
import { dateLocale } from '../i18n/format-time.ts';
import { VIEW_KEYS } from '../i18n/view-keys.ts';
import type { ConnectedServices } from './connected-services.ts';
import type { SignInHistory } from './sign-in-history.ts';
import type { VerifiedContact } from '../store/types.ts';

export interface AccountMenuDeps {
  issuer: string;
  accounts: AccountService;
  passkeys: PasskeyService;
  devices: DeviceService;
  trustedBrowsers: TrustedBrowserService;
  displayTimeZone: string;
  alwaysPasskey: AlwaysPasskeyService;
  history: SignInHistory;
  services: ConnectedServices;
  guard: AccountGuard;
  bodies: BodyReaders;
}

const renameForm = z.object({ credentialId, name: itemName });
const deleteForm = z.object({ credentialId });
const renameItemForm = z.object({ id: recordId, name: itemName });
const itemForm = z.object({ id: recordId });
/** A partner's client id (clients-file rule: letters, digits, `_`, `-`, `:`). */
const serviceForm = z.object({ client: z.string().regex(/^[A-Za-z0-9_\-:]{1,128}$/) });
const nameForm = z.object({ name: personName });

export function accountRoutes(deps: AccountMenuDeps): Router<RequestState> {
  const { passkeys, guard } = deps;
  const router = new Router<RequestState>({ prefix: '/account' });
  const form = deps.bodies.posted;
  const registrationKey = (s: AccountSession): string => `reg:account:${s.account.id}:${s.sessionUid}`;
  const signedIn = (ctx: Context): Promise<AccountSession> => guard.signedIn(ctx);
  const freshOrSentToSignIn = (ctx: Context, session: AccountSession): boolean => guard.freshOrSentToSignIn(ctx, session);

  router.get('/', async (ctx) => {
    const session = await guard.session(ctx);
    if (!session) {
      guard.toLogin(ctx);
      return;
    }
    const lang = langOf(ctx);
    const format = new Intl.DateTimeFormat(dateLocale(lang), { dateStyle: 'medium', timeStyle: 'short', timeZone: deps.displayTimeZone });
    const list = await passkeys.list(session.account.id);
    const phones = await deps.devices.list(session.account.id);
    const browsers = await deps.trustedBrowsers.list(session.account.id);
    const token = trustedBrowserToken(ctx);
    const thisBrowserHash = token ? tokenHash(token) : '';
    const { t } = stateOf(ctx);
    const contact = (kind: 'email' | 'mobile', c: VerifiedContact | null): { value: string; verifiedAt: string } | null => (c ? { value: formatContactValue(kind, c.value), verifiedAt: format.format(c.verifiedAt) } : null);
    const [services, history] = await Promise.all([deps.services.list(session.account.id), deps.history.list(session.account.id, lang)]);
    await render(ctx, 'account', {
      contacts: { email: contact('email', session.account.contactEmail), mobile: contact('mobile', session.account.contactMobile) },
      services: services.map((s) => ({ clientId: s.clientId, name: s.name, remembered: s.remembered, scopes: s.scopes.length ? s.scopes : ['openid'], since: s.since ? format.format(s.since) : '' })),
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
      fresh: guard.isFresh(session),
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

  /** A new passkey needs a recent sign-in at the account's strength (http/account-guard.ts). */
  const freshEnoughToAdd = async (ctx: Context, session: AccountSession): Promise<boolean> =>
    guard.freshAtAccountStrengthOrSentToSignIn(ctx, session, (await passkeys.list(session.account.id)).length > 0);

  // Where account.js sends the user when adding was refused as not fresh enough: the sign-in
  // again (at the account's strength), then back in the menu to add it.
  router.get('/passkeys/add', async (ctx) => {
    const session = await guard.session(ctx);
    if (!session) {
      guard.toLogin(ctx);
      return;
    }
    if (await freshEnoughToAdd(ctx, session)) ctx.redirect('/account#section-passkeys');
  });

  router.post('/passkeys/options', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    if (!await freshEnoughToAdd(ctx, session)) return;
    const { account } = session;
    ctx.body = { options: await passkeys.registrationOptions(registrationKey(session), { id: account.webauthnUserId, name: account.email, displayName: account.name }, account.id) };
  });

  router.post('/passkeys/verify', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const { response } = parseForm(webauthnResponse, ctx.request.body);
    if (!await freshEnoughToAdd(ctx, session)) return;
    const credential = await passkeys.verifyRegistration(registrationKey(session), response, session.account.id);
    const passkey = await passkeys.addPasskey(session.account, credential, langOf(ctx), auditContextOf(ctx), 'account');
    ctx.body = { credentialId: passkey.credentialId, name: passkey.name };
  });

  router.post('/passkeys/rename', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(renameForm, ctx.request.body);
    await passkeys.rename(session.account.id, input.credentialId, input.name, auditContextOf(ctx));
    seeOther(ctx, '/account?notice=renamed');
  });

  router.post('/passkeys/delete', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(deleteForm, ctx.request.body);
    if (!freshOrSentToSignIn(ctx, session)) return;
    const audit = auditContextOf(ctx);
    await passkeys.remove(session.account, input.credentialId, audit);
    const phoneRemoved = await deps.devices.forgetCredential(session.account, input.credentialId, audit, { lang: langOf(ctx) });
    // The page tells the browser's passkey manager the credential is gone (WebAuthn Signal API).
    if (phoneRemoved) {
      // It was a phone's: every sign-in ended, this one too.
      guard.signInAgain(ctx, session.account.email, { notice: 'phone_removed', deleted: input.credentialId });
      return;
    }
    seeOther(ctx, `/account?notice=deleted&deleted=${encodeURIComponent(input.credentialId)}`);
  });

  router.post('/phones/rename', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(renameItemForm, ctx.request.body);
    await deps.devices.rename(session.account.id, input.id, input.name, auditContextOf(ctx));
    seeOther(ctx, '/account?notice=renamed');
  });

  router.post('/phones/remove', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.request.body);
    if (!freshOrSentToSignIn(ctx, session)) return;
    await deps.devices.remove(session.account, input.id, auditContextOf(ctx), { lang: langOf(ctx) });
    // Every sign-in of the account ended, this browser's too: whoever holds the phone may be the
    // one at this keyboard. The user signs in again and then sees what happened.
    guard.signInAgain(ctx, session.account.email, { notice: 'phone_removed' });
  });

  router.post('/browsers/rename', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(renameItemForm, ctx.request.body);
    await deps.trustedBrowsers.rename(session.account.id, input.id, input.name, auditContextOf(ctx));
    seeOther(ctx, '/account?notice=renamed');
  });

  router.post('/browsers/revoke', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.request.body);
    await deps.trustedBrowsers.revoke(session.account.id, input.id, auditContextOf(ctx));
    seeOther(ctx, '/account?notice=revoked');
  });

  router.post('/browsers/revoke-all', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    await deps.trustedBrowsers.revokeAll(session.account.id, auditContextOf(ctx));
    seeOther(ctx, '/account?notice=revoked');
  });

  router.post('/profile/name', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(nameForm, ctx.request.body);
    await deps.accounts.changeName(session.account, input.name, auditContextOf(ctx));
    seeOther(ctx, '/account?notice=name_changed');
  });

  // Disconnecting a partner only takes access away, so it needs no fresh sign-in.
  router.post('/services/revoke', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(serviceForm, ctx.request.body);
    await deps.services.disconnect(session.account.id, input.client, auditContextOf(ctx));
    seeOther(ctx, '/account?notice=service_disconnected');
  });

  return router;
}
