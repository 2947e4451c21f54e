// The account menu (/account): an overview with one summary line per section, one page per
// section (profile, passkeys, phones, trusted browsers, contacts, connected services, sign-in
// history), and a confirmation page before every destructive step, at the same address as the step
// itself (GET confirms, POST does it). Who is signed in, and the way back to sign in, is
// http/account-guard; what a step ends is counted by what-ends.ts; the steps are the services'.
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
import { TrustedBrowserNotFoundError } from '../browsers/errors.ts';
import type { DeviceService } from '../devices/device-service.ts';
import { DeviceNotFoundError } from '../devices/errors.ts';
import { trustedBrowserToken } from '../http/browser-cookies.ts';
import type { PasskeyService } from '../passkeys/passkey-service.ts';
import { PasskeyNotFoundError } from '../passkeys/errors.ts';
import type { AccountSession } from '../http/session.ts';
import type { AlwaysPasskeyService } from '../always-passkey/service.ts';
import { NotFoundError } from '../errors/http-errors.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { formatContactValue } from '../i18n/format-phone.ts';
import { VIEW_KEYS } from '../i18n/view-keys.ts';
import type { ConnectedServices } from './connected-services.ts';
import { ServiceNotConnectedError } from './errors.ts';
import type { SignInHistory } from './sign-in-history.ts';
import type { EverySignInEnds, WhatEnds } from './what-ends.ts';
import { MenuViews, SECTIONS, type Section } from './views.ts';

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
  whatEnds: WhatEnds;
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
const contactKind = z.enum(['email', 'mobile']);

/** One line of a confirmation page: a page key and its values. */
interface Line {
  key: MessageKey;
  values?: Record<string, string>;
}

const line = (key: MessageKey, values?: Record<string, string>): Line => (values ? { key, values } : { key });

/** A confirmation page: what the step ends, and the form that does it. */
interface Confirmation {
  title: Line;
  lines: Line[];
  /** Set when the step is refused anyway: no form then. */
  refusal?: Line;
  action: string;
  fields: Record<string, string>;
  button: MessageKey;
  back: string;
  /** The step needs a recent sign-in (account-guard): the page warns that it will be asked for. */
  needsFreshSignIn?: boolean;
}

export function accountRoutes(deps: AccountMenuDeps): Router<RequestState> {
  const { passkeys, guard, whatEnds } = deps;
  const router = new Router<RequestState>({ prefix: '/account' });
  const form = deps.bodies.posted;
  const views = new MenuViews(deps);
  const registrationKey = (s: AccountSession): string => `reg:account:${s.account.id}:${s.sessionUid}`;
  const signedIn = (ctx: Context): Promise<AccountSession> => guard.signedIn(ctx);
  const pageOf = (section: Section): string => `/account/${section}`;
  // A sign-in asked for by a step comes back to the step's section page.
  guard.allowReturnTo(...SECTIONS.map(pageOf));
  // A confirmation that needs a fresh sign-in comes back to itself after it, for the same item.
  guard.allowReturnTo('/account/passkeys/delete', '/account/phones/remove');

  /** The signed-in user, or undefined with the user sent to sign in and back to `next`. */
  const sessionOrSignIn = async (ctx: Context, next?: string): Promise<AccountSession | undefined> => {
    const session = await guard.session(ctx);
    if (!session) guard.toLogin(ctx, undefined, next);
    return session;
  };
  const noticeOf = (ctx: Context): string => (typeof ctx.query.notice === 'string' ? ctx.query.notice : '');

  router.get('/', async (ctx) => {
    const session = await sessionOrSignIn(ctx);
    if (!session) return;
    await render(ctx, 'account', { ...await views.overview(ctx, session), notice: noticeOf(ctx), csrf: csrfToken(ctx) });
  });

  for (const section of SECTIONS) {
    router.get(`/${section}`, async (ctx) => {
      const session = await sessionOrSignIn(ctx, pageOf(section));
      if (!session) return;
      await render(ctx, 'account-section', { ...await views.section(ctx, session, section), section, notice: noticeOf(ctx), fresh: guard.isFresh(session), csrf: csrfToken(ctx) });
    });
  }

  async function confirm(ctx: Context, session: AccountSession, page: Confirmation): Promise<void> {
    await render(ctx, 'account-confirm', { ...page, account: session.account, fresh: !page.needsFreshSignIn || guard.isFresh(session), csrf: csrfToken(ctx) });
  }

  /** The lines of every sign-in ending (a phone's removal). */
  const everySignInLines = (ends: EverySignInEnds): Line[] => [
    ends.sessions > 1 ? line('confirm.phone.sessions', { count: String(ends.sessions) }) : line('confirm.phone.sessions_one'),
    ...(ends.services.length ? [line('confirm.phone.services', { names: ends.services.join(', ') })] : []),
    ...(ends.trustedBrowsers ? [line('confirm.phone.browsers', { count: String(ends.trustedBrowsers) })] : []),
    line('confirm.phone.told'),
  ];

  /** A new passkey needs a recent sign-in at the account's strength (http/account-guard.ts). */
  const freshEnoughToAdd = async (ctx: Context, session: AccountSession): Promise<boolean> =>
    guard.freshAtAccountStrengthOrSentToSignIn(ctx, session, (await passkeys.list(session.account.id)).length > 0, pageOf('passkeys'));

  // Where account.js sends the user when adding was refused as not fresh enough: the sign-in
  // again (at the account's strength), then back on the passkeys page to add it.
  router.get('/passkeys/add', async (ctx) => {
    const session = await sessionOrSignIn(ctx);
    if (!session) return;
    if (await freshEnoughToAdd(ctx, session)) ctx.redirect(pageOf('passkeys'));
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
    seeOther(ctx, `${pageOf('passkeys')}?notice=renamed`);
  });

  router.get('/passkeys/delete', async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(deleteForm, ctx.query);
    const deletion = await whatEnds.passkeyDeletion(session.account, input.credentialId);
    if (!deletion) throw new PasskeyNotFoundError();
    const name = { name: deletion.passkey.name };
    const page: Confirmation = {
      title: line('confirm.passkey.title', name), lines: [], action: '/account/passkeys/delete',
      fields: { credentialId: input.credentialId }, button: 'confirm.passkey.delete', back: pageOf('passkeys'), needsFreshSignIn: true,
    };
    if (deletion.kind === 'refused') page.refusal = line('confirm.passkey.refused');
    else if (deletion.kind === 'phone') {
      page.lines = [line('confirm.phone.via_passkey', { name: deletion.phone.name }), line('confirm.phone.ends', { name: deletion.phone.name }), ...everySignInLines(deletion.ends)];
      page.button = 'confirm.phone.remove';
      page.back = pageOf('phones');
    } else page.lines = [line('confirm.passkey.ends'), ...(deletion.lastPasskey ? [line('confirm.passkey.last')] : []), line('confirm.passkey.stays')];
    await confirm(ctx, session, page);
  });

  router.post('/passkeys/delete', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(deleteForm, ctx.request.body);
    if (!guard.freshOrSentToSignIn(ctx, session, '/account/passkeys/delete', 'account', { credentialId: input.credentialId })) return;
    const audit = auditContextOf(ctx);
    await passkeys.remove(session.account, input.credentialId, audit);
    const phoneRemoved = await deps.devices.forgetCredential(session.account, input.credentialId, audit, { lang: langOf(ctx) });
    // The page tells the browser's passkey manager the credential is gone (WebAuthn Signal API).
    if (phoneRemoved) {
      // It was a phone's: every sign-in ended, this one too.
      guard.signInAgain(ctx, session.account.email, { notice: 'phone_removed', deleted: input.credentialId });
      return;
    }
    seeOther(ctx, `${pageOf('passkeys')}?notice=deleted&deleted=${encodeURIComponent(input.credentialId)}`);
  });

  router.post('/phones/rename', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(renameItemForm, ctx.request.body);
    await deps.devices.rename(session.account.id, input.id, input.name, auditContextOf(ctx));
    seeOther(ctx, `${pageOf('phones')}?notice=phone_renamed`);
  });

  router.get('/phones/remove', async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.query);
    const removal = await whatEnds.phoneRemoval(session.account.id, input.id);
    if (!removal) throw new DeviceNotFoundError();
    const name = { name: removal.phone.name };
    await confirm(ctx, session, {
      title: line('confirm.phone.title', name), lines: [line('confirm.phone.ends', name), ...everySignInLines(removal.ends)],
      action: '/account/phones/remove', fields: { id: input.id }, button: 'confirm.phone.remove', back: pageOf('phones'), needsFreshSignIn: true,
    });
  });

  router.post('/phones/remove', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.request.body);
    if (!guard.freshOrSentToSignIn(ctx, session, '/account/phones/remove', 'account', { id: input.id })) return;
    await deps.devices.remove(session.account, input.id, auditContextOf(ctx), { lang: langOf(ctx) });
    // Every sign-in of the account ended, this browser's too: whoever holds the phone may be the
    // one at this keyboard. The user signs in again and then sees what happened.
    guard.signInAgain(ctx, session.account.email, { notice: 'phone_removed' });
  });

  router.post('/browsers/rename', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(renameItemForm, ctx.request.body);
    await deps.trustedBrowsers.rename(session.account.id, input.id, input.name, auditContextOf(ctx));
    seeOther(ctx, `${pageOf('browsers')}?notice=browser_renamed`);
  });

  router.get('/browsers/revoke', async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.query);
    const browser = await whatEnds.browser(session.account.id, input.id);
    if (!browser) throw new TrustedBrowserNotFoundError();
    const token = trustedBrowserToken(ctx);
    const current = token !== undefined && tokenHash(token) === browser.tokenHash;
    await confirm(ctx, session, {
      title: line('confirm.browser.title', { name: browser.name }),
      lines: [line('confirm.browser.ends'), ...(current ? [line('confirm.browser.this')] : [])],
      action: '/account/browsers/revoke', fields: { id: input.id }, button: 'confirm.browser.revoke', back: pageOf('browsers'),
    });
  });

  router.post('/browsers/revoke', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(itemForm, ctx.request.body);
    await deps.trustedBrowsers.revoke(session.account.id, input.id, auditContextOf(ctx));
    seeOther(ctx, `${pageOf('browsers')}?notice=revoked`);
  });

  router.get('/browsers/revoke-all', async (ctx) => {
    const session = await signedIn(ctx);
    const browsers = await deps.trustedBrowsers.list(session.account.id);
    if (browsers.length === 0) throw new TrustedBrowserNotFoundError();
    await confirm(ctx, session, {
      title: browsers.length === 1 ? line('confirm.browser.title', { name: browsers[0]?.name ?? '' }) : line('confirm.browsers.title', { count: String(browsers.length) }),
      lines: [line('confirm.browsers.ends', { names: browsers.map((b) => b.name).join(', ') })],
      action: '/account/browsers/revoke-all', fields: {}, button: 'confirm.browsers.revoke', back: pageOf('browsers'),
    });
  });

  router.post('/browsers/revoke-all', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    await deps.trustedBrowsers.revokeAll(session.account.id, auditContextOf(ctx));
    seeOther(ctx, `${pageOf('browsers')}?notice=revoked_all`);
  });

  router.post('/profile/name', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(nameForm, ctx.request.body);
    await deps.accounts.changeName(session.account, input.name, auditContextOf(ctx));
    seeOther(ctx, `${pageOf('profile')}?notice=name_changed`);
  });

  router.get('/services/revoke', async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(serviceForm, ctx.query);
    const service = await whatEnds.service(session.account.id, input.client);
    if (!service) throw new ServiceNotConnectedError();
    const { t } = stateOf(ctx);
    const scopes = views.scopeNames(t, service.scopes).join(', ');
    const name = { name: service.name };
    await confirm(ctx, session, {
      title: line('confirm.service.title', name),
      lines: [line('confirm.service.ends', { ...name, scopes }), line('confirm.service.again', name), line('confirm.service.stays')],
      action: '/account/services/revoke', fields: { client: input.client }, button: 'confirm.service.revoke', back: pageOf('services'),
    });
  });

  // Disconnecting a partner only takes access away, so it needs no fresh sign-in.
  router.post('/services/revoke', ...form, async (ctx) => {
    const session = await signedIn(ctx);
    const input = parseForm(serviceForm, ctx.request.body);
    await deps.services.disconnect(session.account.id, input.client, auditContextOf(ctx));
    seeOther(ctx, `${pageOf('services')}?notice=service_disconnected`);
  });

  // The contact pages (contacts/contact-routes.ts) remove on POST; this is their confirmation.
  router.get('/contacts/:kind/remove', async (ctx) => {
    const kind = contactKind.safeParse(ctx.params.kind);
    if (!kind.success) throw new NotFoundError();
    const session = await signedIn(ctx);
    const contact = kind.data === 'email' ? session.account.contactEmail : session.account.contactMobile;
    if (!contact) throw new NotFoundError();
    const { t } = stateOf(ctx);
    await confirm(ctx, session, {
      title: line('confirm.contact.title', { what: t(VIEW_KEYS.contactName(kind.data) ?? 'contacts.email'), value: formatContactValue(kind.data, contact.value) }),
      lines: [line('confirm.contact.ends')],
      action: `/account/contacts/${kind.data}/remove`, fields: {}, button: 'confirm.contact.remove', back: pageOf('contacts'), needsFreshSignIn: true,
    });
  });

  return router;
}
