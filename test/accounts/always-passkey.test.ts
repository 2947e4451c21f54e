// "Always passkey" (いつもパスキー設定) over HTTP: turning it on (only with a phone set up, after a
// fresh sign-in and a confirmation), what it refuses while on (password sign-in, password-dependent
// partner services played by openid-client, their refresh tokens), and turning it off (only with a
// new, strong password after a fresh passkey sign-in). Every refusal has a clear code and leaves the
// account as it was in the store.
import assert from 'node:assert/strict';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import * as oidc from 'openid-client';
import { AccountService } from '../../src/accounts/account-service.ts';
import { AlwaysPasskeyOnError } from '../../src/accounts/errors.ts';
import { PasswordThrottle } from '../../src/accounts/password-throttle.ts';
import { RateLimiter } from '../../src/limits/rate-limiter.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { verifyPassword } from '../../src/accounts/password-hasher.ts';
import { buildApp } from '../../src/app/app.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { createLogger } from '../../src/log.ts';
import { ACCOUNT_CLIENT_ID } from '../../src/clients/first-party.ts';
import { PASSWORD_DEPENDENT } from '../../src/always-passkey/policy.ts';
import type Provider from 'oidc-provider';
import { PASSWORD_DEPENDENT_DESCRIPTION } from '../../src/interactions/password-dependent-refusal.ts';
import type { Account, AccountRepository, Store } from '../../src/store/types.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, PARTNER_SECRET, partnerClient, PASSWORD, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { harness, jsonOf, startPushTobira, type Phone } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { TEST_LIMIT_SETTINGS } from '../support/limits.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { writeClientsFile, type RunningTobira } from '../support/tobira.ts';

const WIDGET = 'widget-app';

describe('the tobira_password_dependent client setting', () => {
  async function build(clientsFile: string): Promise<Provider> {
    const settings = loadSettings({ NODE_ENV: 'test', DEMO: 'false', CLIENTS_FILE: clientsFile });
    return (await buildApp(settings, await freshStore('memory'), createLogger('silent'))).provider;
  }

  it('is read from the clients file (the shipped example has one)', async () => {
    const provider = await build('config/clients.example.json');
    assert.equal((await provider.Client.find('example-widget'))?.metadata()[PASSWORD_DEPENDENT], true);
    assert.equal((await provider.Client.find('example-web'))?.metadata()[PASSWORD_DEPENDENT], undefined);
  });

  it('must be true or false: anything else stops the start, naming the client and the field', async () => {
    for (const value of ['yes', 1, null]) {
      await assert.rejects(build(writeClientsFile([partnerClient({ [PASSWORD_DEPENDENT]: value })])), (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.match(err.setting, /client "partner-web"/);
        assert.match(err.messages.en, /tobira_password_dependent must be true or false/);
        return true;
      });
    }
  });
});
const NEW_PASSWORD = 'kumo-yama-kawa 2931 tsuki';

for (const kind of FEATURE_STORES) {
  describe(`always passkey (${kind} store)`, function () {
    this.timeout(30_000);
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let receiver: PushReceiver;
    let sink: SmtpSink;
    let partner: oidc.Configuration;
    let widget: oidc.Configuration;
    const h = harness(() => tobira.issuer, () => receiver);

    before(async () => {
      receiver = new PushReceiver();
      sink = new SmtpSink();
      const [smtp] = await Promise.all([sink.start(), receiver.start()]);
      store = await freshStore(kind, { now: () => Date.now() + offset });
      tobira = await startPushTobira(store, { SMTP_URL: smtp }, {
        clients: [partnerClient(), partnerClient({ client_id: WIDGET, client_name: 'Widget App', [PASSWORD_DEPENDENT]: true })],
        now: () => Date.now() + offset,
      });
      partner = await discover(tobira.issuer);
      widget = await discover(tobira.issuer, WIDGET, PARTNER_SECRET);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await Promise.all([receiver.stop(), sink.stop()]);
    });
    afterEach(() => {
      offset = 0;
    });

    async function accountOf(email: string): Promise<Account> {
      const account = await tobira.store.accounts.findByEmail(email);
      assert.ok(account, `no account ${email}`);
      return account;
    }

    /** The account's sign-in mode as stored, to show a refusal changed nothing. */
    async function modeOf(email: string): Promise<{ passwordHash: string | null; alwaysPasskey: boolean; updatedAt: number }> {
      const account = await accountOf(email);
      return { passwordHash: account.passwordHash, alwaysPasskey: account.alwaysPasskey, updatedAt: account.updatedAt.getTime() };
    }

    async function csrfOf(browser: HttpBrowser): Promise<string> {
      const page = await browser.follow(`${tobira.issuer}/account`);
      assert.equal(page.status, 200, page.body.slice(0, 500));
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      assert.ok(csrf);
      return csrf;
    }

    function post(browser: HttpBrowser, path: string, form: Record<string, string>, json = false): Promise<Page> {
      return browser.request(`${tobira.issuer}${path}`, { method: 'POST', form, headers: json ? { accept: 'application/json' } : {} });
    }

    async function eventsOf(email: string, type: string) {
      return (await tobira.store.audit.listByAccount((await accountOf(email)).id, 200)).filter((e) => e.type === type);
    }

    /** Connects the widget app (a refresh token) for the user signed in in `browser`. */
    async function connectWidget(browser: HttpBrowser): Promise<string> {
      const tokens = await connectWidgetTokens(browser);
      assert.ok(tokens.refresh_token);
      return tokens.refresh_token;
    }

    async function connectWidgetTokens(browser: HttpBrowser): Promise<Awaited<ReturnType<typeof redeem>>> {
      const pending = await startAuthorization(widget, { scope: 'openid offline_access', prompt: 'consent' });
      const consent = await browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
      const back = await browser.submit(consent, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      return redeem(widget, pending, back.url);
    }

    /**
     * Signs in with the phone's passkey on the sign-in page that `start` leads to (in `browser`);
     * returns the page it ends on (stopped at the partner's callback).
     */
    async function signInWithPasskey(phone: Phone, browser: HttpBrowser, start: string): Promise<Page> {
      const login = await browser.follow(start, {}, PARTNER_CALLBACK);
      const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1];
      const csrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '';
      assert.ok(uid, `not on a sign-in page: ${login.url}`);
      const options = jsonOf(await h.postJson(browser, `/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
      const done = await h.postJson(browser, `/interaction/${uid}/passkey/verify`, { response: phone.key.authenticate(options) }, csrf);
      assert.equal(done.status, 200, done.body);
      return browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK);
    }

    /** Signs in again through the account menu's sign-in with the phone's passkey (acr phr). */
    async function passkeySignIn(phone: Phone, path: string, browser = phone.browser): Promise<Page> {
      const login = await browser.follow(`${tobira.issuer}${path}`);
      // A step-up says why in its own words (the partner's "passkey required" notice is not shown).
      assert.match(login.body, /id="reauth-reason" data-reason="always_passkey_off"/, 'the sign-in says why: to turn always passkey off');
      assert.doesNotMatch(login.body, /type="password"/);
      return signInWithPasskey(phone, browser, login.url);
    }

    /**
     * Turns the mode on from the phone's browser, signed in with the password at sign-up: that
     * session ends with the password, and the phone signs in again with its passkey.
     */
    async function turnOn(phone: Phone): Promise<Page> {
      const res = await post(phone.browser, '/account/always-passkey/on', { _csrf: await csrfOf(phone.browser), confirm: 'yes' });
      assert.equal(res.status, 303);
      const to = new URL(String(res.headers.get('location')), tobira.issuer);
      assert.equal(to.pathname, '/auth', 'sent to sign in again');
      const page = await signInWithPasskey(phone, phone.browser, to.href);
      assert.equal(page.status, 200);
      assert.match(page.url, /\/account\?notice=always_passkey_on$/);
      return page;
    }

    /** A partner's sign-in with the phone's passkey in a new browser: the consent page it ends on. */
    async function passkeyAtPartner(phone: Phone, params: Record<string, string> = {}): Promise<{ browser: HttpBrowser; pending: Awaited<ReturnType<typeof startAuthorization>>; consent: Page }> {
      const browser = new HttpBrowser();
      // prompt=consent: the phone's remembered decision would otherwise skip the consent page.
      const pending = await startAuthorization(partner, { prompt: 'consent', ...params });
      const consent = await signInWithPasskey(phone, browser, pending.url.href);
      assert.match(consent.body, /action="[^"]*\/consent"/, 'the partner asks for consent');
      return { browser, pending, consent };
    }

    /** A partner's sign-in with a password in a new browser: the refusal page, or back at the partner (after consent). */
    async function passwordLogin(email: string, password: string): Promise<{ page: Page; browser: HttpBrowser; pending: Awaited<ReturnType<typeof startAuthorization>> }> {
      const browser = new HttpBrowser();
      const pending = await startAuthorization(partner);
      const login = await browser.follow(pending.url.href);
      let page = await browser.submit(login, '/password', { email, password }, PARTNER_CALLBACK);
      if (page.body.includes('/consent"')) page = await browser.submit(page, '/consent', {}, PARTNER_CALLBACK);
      return { page, browser, pending };
    }

    it('is refused without a phone set up for sign-in (phone_required), and nothing changes', async () => {
      const email = `nophone.${kind}@example.com`;
      const browser = new HttpBrowser();
      const pending = await startAuthorization(partner);
      await redeem(partner, pending, (await signUpAndConsent(browser, pending, email)).url);
      const csrf = await csrfOf(browser);
      const before = await modeOf(email);
      assert.ok(before.passwordHash);

      const account = await browser.follow(`${tobira.issuer}/account`);
      assert.match(account.body, /id="always-passkey-needs-phone"/, 'the menu says a phone is needed first');
      const page = await browser.request(`${tobira.issuer}/account/always-passkey/on`);
      assert.equal(page.status, 409);
      assert.equal(errorCodeOf(page), 'phone_required');
      for (const json of [false, true]) {
        const res = await post(browser, '/account/always-passkey/on', { _csrf: csrf, confirm: 'yes' }, json);
        assert.equal(res.status, 409, res.body);
        assert.equal(json ? jsonOf(res).error : errorCodeOf(res), 'phone_required');
      }
      assert.deepEqual(await modeOf(email), before);
      assert.deepEqual(await eventsOf(email, 'account.always_passkey_on'), []);
    });

    it('a phone whose passkey was deleted does not count as set up', async () => {
      const phone = await h.phoneFor(partner, `stalephone.${kind}@example.com`);
      const account = await accountOf(phone.email);
      const [device] = await tobira.store.devices.listByAccount(account.id);
      assert.ok(device);
      assert.ok(await tobira.store.passkeys.remove(account.id, device.credentialId));
      const before = await modeOf(phone.email);
      const res = await post(phone.browser, '/account/always-passkey/on', { _csrf: await csrfOf(phone.browser), confirm: 'yes' }, true);
      assert.equal(res.status, 409);
      assert.equal(jsonOf(res).error, 'phone_required');
      assert.deepEqual(await modeOf(phone.email), before);
    });

    it('turning it on needs a fresh sign-in, a CSRF token and the confirmation; each refusal changes nothing', async () => {
      const phone = await h.phoneFor(partner, `careful.${kind}@example.com`);
      const csrf = await csrfOf(phone.browser);
      const before = await modeOf(phone.email);

      const noCsrf = await post(phone.browser, '/account/always-passkey/on', { confirm: 'yes' });
      assert.equal(noCsrf.status, 403);
      assert.equal(errorCodeOf(noCsrf), 'csrf_failed');
      const wrongCsrf = await post(phone.browser, '/account/always-passkey/on', { _csrf: `${csrf}x`, confirm: 'yes' }, true);
      assert.equal(jsonOf(wrongCsrf).error, 'csrf_failed');

      const unconfirmed = await post(phone.browser, '/account/always-passkey/on', { _csrf: csrf }, true);
      assert.equal(unconfirmed.status, 400);
      assert.equal(jsonOf(unconfirmed).error, 'confirmation_required');

      offset = 301_000;
      const stale = await post(phone.browser, '/account/always-passkey/on', { _csrf: csrf, confirm: 'yes' });
      assert.equal(stale.status, 303, 'an old sign-in is sent to sign in again');
      const to = new URL(String(stale.headers.get('location')));
      assert.equal(to.pathname, '/auth');
      assert.equal(to.searchParams.get('prompt'), 'login');
      assert.equal(to.searchParams.get('login_hint'), phone.email);
      const staleJson = await post(phone.browser, '/account/always-passkey/on', { _csrf: csrf, confirm: 'yes' }, true);
      assert.equal(staleJson.status, 403);
      assert.equal(jsonOf(staleJson).error, 'reauthentication_required');
      const stalePage = await phone.browser.request(`${tobira.issuer}/account/always-passkey/on`);
      assert.equal(stalePage.status, 303, 'the confirmation page too');
      offset = 0;

      const signedOut = await post(new HttpBrowser(), '/account/always-passkey/on', { _csrf: csrf, confirm: 'yes' }, true);
      assert.equal(signedOut.status, 403, 'no CSRF cookie in a stranger\'s browser');
      assert.deepEqual(await modeOf(phone.email), before);
      assert.deepEqual(await eventsOf(phone.email, 'account.always_passkey_on'), []);
    });

    it('shows the consequences, then destroys the password, disconnects password-dependent services and refuses password sign-in', async () => {
      const phone = await h.phoneFor(partner, `hanako.${kind}@example.com`);
      const widgetRefresh = await connectWidget(phone.browser);
      const partnerPending = await startAuthorization(partner, { scope: 'openid offline_access', prompt: 'consent' });
      const partnerConsent = await phone.browser.follow(partnerPending.url.href, {}, PARTNER_CALLBACK);
      const partnerTokens = await redeem(partner, partnerPending, (await phone.browser.submit(partnerConsent, '/consent', { remember: 'on' }, PARTNER_CALLBACK)).url);
      // A second browser signed in with the password (say, the attacker who phished it).
      const other = await passwordLogin(phone.email, PASSWORD);
      assert.ok(other.page.url.startsWith(PARTNER_CALLBACK));
      // A third signed in with the phone's passkey, with a refresh token too.
      const viaPasskey = await passkeyAtPartner(phone, { scope: 'openid offline_access', prompt: 'consent' });
      const passkeyTokens = await redeem(partner, viaPasskey.pending, (await viaPasskey.browser.submit(viaPasskey.consent, '/consent', {}, PARTNER_CALLBACK)).url);
      assert.equal(passkeyTokens.claims()?.acr, 'phr');

      const menu = await phone.browser.follow(`${tobira.issuer}/account`);
      assert.match(menu.body, /data-always-passkey="off"/);
      assert.match(menu.body, /href="\/account\/always-passkey\/on"/);
      const confirm = await phone.browser.follow(`${tobira.issuer}/account/always-passkey/on`);
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /Without your phone \(its passkey\) at hand you cannot sign in/);
      assert.match(confirm.body, /Services that depend on a password/);
      assert.match(confirm.body, /<li data-client-id="widget-app"><strong>Widget App<\/strong><\/li>/, 'the connected password-dependent service is named');
      assert.doesNotMatch(confirm.body, /data-client-id="partner-web"/);

      const mailsBefore = sink.messages.length;
      // This browser signed in with the password too (at sign-up): its session ends with the
      // password, and it is asked to sign in again, then comes back to the menu with the notice.
      const signIn = await phone.browser.submit(confirm, '/account/always-passkey/on', { confirm: 'yes' });
      assert.equal(signIn.status, 200, `${signIn.url}\n${signIn.body.slice(0, 2000)}`);
      assert.match(signIn.url, /\/interaction\/[^/]+$/, 'on a sign-in page');
      const done = await signInWithPasskey(phone, phone.browser, signIn.url);
      assert.equal(done.status, 200);
      assert.match(done.url, /\/account\?notice=always_passkey_on$/);
      assert.match(done.body, /data-always-passkey="on"/);
      assert.match(done.body, /<p class="notice" role="status" id="notice">[^<]*Always passkey/, 'the notice is at the top of the menu');

      const account = await accountOf(phone.email);
      assert.equal(account.passwordHash, null, 'the stored hash is gone');
      assert.equal(account.alwaysPasskey, true);
      const [on] = await eventsOf(phone.email, 'account.always_passkey_on');
      const { revokedTokens, ...details } = on?.details ?? {};
      assert.deepEqual(details, { passwordDeleted: true, phones: 1, revokedClients: [WIDGET], endedSessions: 2 });
      assert.ok(typeof revokedTokens === 'number' && revokedTokens >= 2, `tokens of password sign-ins revoked: ${String(revokedTokens)}`);
      assert.ok((await eventsOf(phone.email, 'grant.revoked')).some((e) => e.details.client === WIDGET && e.details.reason === 'always_passkey'));
      const notice = sink.messages.slice(mailsBefore).find((m) => m.to.includes(phone.email) && /Always passkey was turned on/.test(m.subject));
      assert.ok(notice, 'the owner is told');
      assert.match(notice.subject, /Always passkey was turned on/);
      assert.match(notice.raw, /Widget App/);

      // The widget's refresh token is dead; so are the ordinary partner's tokens from the password
      // sign-in (they rest on the deleted password); those from the passkey sign-in still work.
      await assert.rejects(oidc.refreshTokenGrant(widget, widgetRefresh), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      await assert.rejects(oidc.refreshTokenGrant(partner, partnerTokens.refresh_token!), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      assert.equal((await oidc.tokenIntrospection(partner, partnerTokens.access_token)).active, false);
      assert.ok((await oidc.fetchUserInfo(partner, passkeyTokens.access_token, account.id)).sub);
      assert.ok((await oidc.refreshTokenGrant(partner, passkeyTokens.refresh_token!)).access_token);
      const grants = (await tobira.store.oidc('Grant').listByAccountId(account.id)).map((g) => g.payload.clientId).filter((id) => id !== ACCOUNT_CLIENT_ID);
      assert.deepEqual([...new Set(grants)], ['partner-web']);
      // The sessions signed in with the (now deleted) password are over; passkey sessions stay.
      assert.equal((await other.browser.request(`${tobira.issuer}/account`)).status, 303);
      assert.equal((await phone.browser.request(`${tobira.issuer}/account`)).status, 200);
      assert.equal((await viaPasskey.browser.request(`${tobira.issuer}/account`)).status, 200);

      // Password sign-in, with the old password or any other, is refused with the explanation.
      const before = await modeOf(phone.email);
      for (const password of [PASSWORD, 'a wrong password 123']) {
        const { page } = await passwordLogin(phone.email, password);
        assert.equal(page.status, 403);
        assert.equal(errorCodeOf(page), 'always_passkey_on');
        assert.match(page.body, /signs in only with a passkey/);
        assert.match(page.body, /turn &#34;Always passkey&#34; off by setting a new password/);
      }
      const failures = await eventsOf(phone.email, 'login.failed');
      assert.equal(failures.filter((e) => e.details.reason === 'always_passkey_on').length, 2);
      assert.deepEqual(await modeOf(phone.email), before);

      // Identifier-first does not tell a stranger which accounts are always-passkey (issue 10 row
      // 5a): the typed address gets what every address gets.
      const browser = new HttpBrowser();
      const page = await h.signInPage(partner, browser);
      const answer = jsonOf(await h.postJson(browser, `/interaction/${page.uid}/passkey/options`, { email: phone.email }, page.csrf));
      assert.equal(answer.password, true);
      assert.equal(answer.alwaysPasskey, false);

      // Japanese too.
      const ja = new HttpBrowser();
      await ja.request(`${tobira.issuer}/healthz?lang=ja`);
      const jaLogin = await ja.follow((await startAuthorization(partner)).url.href);
      const jaPage = await ja.submit(jaLogin, '/password', { email: phone.email, password: PASSWORD });
      assert.match(jaPage.body, /いつもパスキー設定/);
    });

    it('refuses a password-dependent partner for an always-passkey account: the user sees why, the partner gets access_denied', async () => {
      const phone = await h.phoneFor(partner, `widgetfan.${kind}@example.com`);
      await turnOn(phone);

      const pending = await startAuthorization(widget, { scope: 'openid offline_access', prompt: 'consent' });
      const page = await phone.browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
      assert.equal(page.status, 403);
      assert.equal(errorCodeOf(page), 'password_dependent_client');
      assert.match(page.body, /Widget App works only with a password/);
      assert.doesNotMatch(page.body, /action="[^"]*\/consent"/, 'no consent form');
      const back = await phone.browser.submit(page, '/password-dependent', {}, PARTNER_CALLBACK);
      const callback = new URL(back.url);
      assert.equal(callback.searchParams.get('error'), 'access_denied');
      assert.equal(callback.searchParams.get('error_description'), PASSWORD_DEPENDENT_DESCRIPTION);
      await assert.rejects(redeem(widget, pending, back.url), (err: oidc.AuthorizationResponseError) => err.error === 'access_denied' && err.error_description === PASSWORD_DEPENDENT_DESCRIPTION);

      const account = await accountOf(phone.email);
      assert.deepEqual((await tobira.store.oidc('Grant').listByAccountId(account.id)).filter((g) => g.payload.clientId === WIDGET), [], 'no grant was made');
      assert.ok((await eventsOf(phone.email, 'authorization.refused')).some((e) => e.details.reason === 'password_dependent_client' && e.details.client === WIDGET));
      // The refusal step cannot be skipped by a remembered consent, nor posted for an ordinary partner.
      const again = await startAuthorization(widget);
      assert.equal(errorCodeOf(await phone.browser.follow(again.url.href, {}, PARTNER_CALLBACK)), 'password_dependent_client');
      const ordinary = await startAuthorization(partner, { prompt: 'consent' });
      const ordinaryConsent = await phone.browser.follow(ordinary.url.href, {}, PARTNER_CALLBACK);
      const ordinaryBack = await phone.browser.submit(ordinaryConsent, '/consent', {}, PARTNER_CALLBACK);
      assert.ok((await redeem(partner, ordinary, ordinaryBack.url)).access_token, 'ordinary partners still work');
    });

    it('refuses a refresh token of a password-dependent partner that escaped revocation', async () => {
      const phone = await h.phoneFor(partner, `escaped.${kind}@example.com`);
      const refresh = await connectWidget(phone.browser);
      const account = await accountOf(phone.email);
      // As if the mode were switched on by another process while this token was being issued.
      await tobira.store.accounts.setSignInMode(account.id, { passwordHash: null, alwaysPasskey: true }, new Date());
      await assert.rejects(oidc.refreshTokenGrant(widget, refresh), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      const [refused] = await eventsOf(phone.email, 'token.refused');
      assert.equal(refused?.details.reason, 'password_dependent_client');
      assert.equal(refused?.details.client, WIDGET);
    });

    it('turning it off needs a fresh passkey sign-in and a new, strong password; each refusal changes nothing', async () => {
      const phone = await h.phoneFor(partner, `yamada.taro.${kind}@example.com`);
      const menu = await turnOn(phone);
      assert.match(menu.body, /id="always-passkey-off-form"/);
      assert.match(menu.body, /within the last 5 minutes/);
      const off = await modeOf(phone.email);
      assert.equal(off.alwaysPasskey, true);

      // A PC signed in by a phone approval (push), not a passkey: sent to a passkey sign-in.
      const pc = new HttpBrowser();
      const request = await h.pcRequests(partner, phone.email, pc);
      assert.equal((await h.approveOn(phone, String(request.started.approvalId), String(request.started.number ?? ''))).status, 200);
      const pushed = await h.postJson(pc, `/interaction/${request.uid}/push/${String(request.started.approvalId)}/complete`, {}, request.csrf);
      assert.equal(pushed.status, 200, pushed.body);
      await pc.follow(String(jsonOf(pushed).redirectTo), {}, PARTNER_CALLBACK);
      let csrf = await csrfOf(pc);
      const notPasskey = await post(pc, '/account/always-passkey/off', { _csrf: csrf, password: NEW_PASSWORD });
      assert.equal(notPasskey.status, 303);
      const to = new URL(String(notPasskey.headers.get('location')));
      assert.equal(to.searchParams.get('acr_values'), 'phr');
      assert.equal(to.searchParams.get('prompt'), 'login');
      const notPasskeyJson = await post(pc, '/account/always-passkey/off', { _csrf: csrf, password: NEW_PASSWORD }, true);
      assert.equal(notPasskeyJson.status, 403);
      assert.equal(jsonOf(notPasskeyJson).error, 'passkey_reauthentication_required');
      assert.deepEqual(await modeOf(phone.email), off);

      // A passkey sign-in brings the user back to the form.
      const form = await passkeySignIn(phone, '/account/always-passkey/off', pc);
      assert.equal(form.status, 200, form.body);
      assert.match(form.url, /\/account\/always-passkey\/off$/, form.body.slice(0, 3000));
      assert.match(form.body, /Turn &#34;Always passkey&#34; off/);
      csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';

      const cases: Array<[Record<string, string>, number, string, RegExp?]> = [
        [{ _csrf: csrf }, 400, 'new_password_required'],
        [{ _csrf: csrf, password: '' }, 400, 'new_password_required'],
        [{ _csrf: csrf, password: 'short pw' }, 400, 'weak_password', /at least 12 characters/],
        [{ _csrf: csrf, password: 'password1234' }, 400, 'weak_password', /too easy to guess.*similar to a commonly used password/],
        [{ _csrf: csrf, password: `${phone.email}2024` }, 400, 'weak_password', /personal/],
        [{ _csrf: csrf, password: 'passwordpassword' }, 400, 'weak_password', /too easy to guess/],
        [{ _csrf: csrf, password: '123456789012' }, 400, 'weak_password', /too easy to guess/],
        [{ _csrf: csrf, password: 'aaaaaaaaaaaa' }, 400, 'weak_password', /too easy to guess/],
        [{ _csrf: csrf, password: 'x'.repeat(257) }, 400, 'invalid_input'],
        [{ password: NEW_PASSWORD }, 403, 'csrf_failed'],
      ];
      for (const [fields, status, code, message] of cases) {
        const res = await post(pc, '/account/always-passkey/off', fields, true);
        assert.equal(res.status, status, `${JSON.stringify(fields).slice(0, 60)}: ${res.body}`);
        assert.equal(jsonOf(res).error, code);
        if (message) assert.match(String(jsonOf(res).message), message);
      }
      // On the page, a refused password is shown on the form to try again.
      const weak = await post(pc, '/account/always-passkey/off', { _csrf: csrf, password: 'password1234' });
      assert.equal(weak.status, 400);
      assert.equal(errorCodeOf(weak), 'weak_password');
      assert.match(weak.body, /action="\/account\/always-passkey\/off"/);
      assert.deepEqual(await modeOf(phone.email), off);

      // Five minutes later the passkey sign-in is no longer fresh.
      offset = 301_000;
      const stale = await post(pc, '/account/always-passkey/off', { _csrf: csrf, password: NEW_PASSWORD }, true);
      assert.equal(jsonOf(stale).error, 'passkey_reauthentication_required');
      assert.deepEqual(await modeOf(phone.email), off);
      offset = 0;

      const mailsBefore = sink.messages.length;
      const done = await post(pc, '/account/always-passkey/off', { _csrf: csrf, password: NEW_PASSWORD });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), '/account?notice=always_passkey_off');
      const account = await accountOf(phone.email);
      assert.equal(account.alwaysPasskey, false);
      assert.ok(account.passwordHash && await verifyPassword(account.passwordHash, NEW_PASSWORD));
      assert.equal((await eventsOf(phone.email, 'account.always_passkey_off')).length, 1);
      assert.ok(sink.messages.slice(mailsBefore).some((m) => m.to.includes(phone.email) && /Always passkey was turned off/.test(m.subject)), 'the owner is told');

      // Turning it off again is refused: it is off.
      const twice = await post(pc, '/account/always-passkey/off', { _csrf: csrf, password: `${NEW_PASSWORD} again` }, true);
      assert.equal(twice.status, 409);
      assert.equal(jsonOf(twice).error, 'always_passkey_not_on');

      // The new password signs in; the old one does not.
      const { page, pending } = await passwordLogin(phone.email, NEW_PASSWORD);
      assert.ok(page.url.startsWith(PARTNER_CALLBACK), page.body.slice(0, 500));
      assert.equal((await redeem(partner, pending, page.url)).claims()?.acr, 'urn:tobira:acr:password');
      assert.equal(errorCodeOf((await passwordLogin(phone.email, PASSWORD)).page), 'invalid_credentials');
    });

    it('a password sign-in left waiting before the switch gets nothing afterwards: no code, no session, not even after the mode is off again', async () => {
      const phone = await h.phoneFor(partner, `waiting.${kind}@example.com`);
      // Someone who knows the password signs in at a partner and keeps the last redirect for later
      // (oidc-provider keeps the finished sign-in for up to an hour).
      const attacker = new HttpBrowser();
      const { uid, csrf } = await h.signInPage(partner, attacker);
      const posted = await attacker.request(`${tobira.issuer}/interaction/${uid}/password`, { method: 'POST', form: { _csrf: csrf, email: phone.email, password: PASSWORD } });
      assert.equal(posted.status, 303, posted.body.slice(0, 500));
      const resume = new URL(String(posted.headers.get('location')), tobira.issuer).href;

      // The owner turns "Always passkey" on meanwhile.
      await turnOn(phone);
      const account = await accountOf(phone.email);
      const codesBefore = (await tobira.store.oidc('AuthorizationCode').listByAccountId(account.id)).length;

      // The redirect, followed now (consent given if asked): a new sign-in is asked for, no code.
      let page = await attacker.follow(resume, {}, PARTNER_CALLBACK);
      if (/action="[^"]*\/consent"/.test(page.body)) page = await attacker.submit(page, '/consent', {}, PARTNER_CALLBACK);
      assert.ok(!page.url.startsWith(PARTNER_CALLBACK), `no code for the partner: ${page.url}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /data-uid="[^"]+"/, 'a sign-in page');
      assert.equal((await tobira.store.oidc('AuthorizationCode').listByAccountId(account.id)).length, codesBefore);
      const refused = await attacker.submit(page, '/password', { email: phone.email, password: PASSWORD }, PARTNER_CALLBACK);
      assert.equal(refused.status, 403);
      assert.equal(errorCodeOf(refused), 'always_passkey_on');
      // Nor is that browser signed in: not to the account menu, not silently at a partner.
      assert.equal((await attacker.request(`${tobira.issuer}/account`)).status, 303);
      const silent = await startAuthorization(partner, { prompt: 'none' });
      assert.equal(new URL((await attacker.follow(silent.url.href, {}, PARTNER_CALLBACK)).url).searchParams.get('error'), 'login_required');

      // Turning the mode off (a new password) does not bring that sign-in back to life.
      const offForm = await phone.browser.follow(`${tobira.issuer}/account/always-passkey/off`);
      assert.equal(offForm.status, 200, 'the phone signed in with its passkey just now');
      const turnedOff = await phone.browser.submit(offForm, '/account/always-passkey/off', { password: NEW_PASSWORD });
      assert.match(turnedOff.url, /\/account\?notice=always_passkey_off$/);
      assert.equal((await attacker.request(`${tobira.issuer}/account`)).status, 303);
      const later = new URL((await attacker.follow((await startAuthorization(partner, { prompt: 'none' })).url.href, {}, PARTNER_CALLBACK)).url);
      assert.equal(later.searchParams.get('code'), null);
      assert.match(String(later.searchParams.get('error')), /^(login|interaction)_required$/);
    });

    it('a password sign-in racing the switch loses: the account is read again after the password check', async () => {
      const phone = await h.phoneFor(partner, `racer.${kind}@example.com`);
      const real = tobira.store.accounts;
      // The switch lands while the (slow) password check runs: after the account was read.
      const racing = new Proxy(real, {
        get(target, prop) {
          if (prop === 'findByEmail') {
            return async (email: string) => {
              const found = await target.findByEmail(email);
              if (found) await target.setSignInMode(found.id, { passwordHash: null, alwaysPasskey: true }, new Date(), false);
              return found;
            };
          }
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      }) as AccountRepository;
      await assert.rejects(new AccountService({ accounts: racing, audit: new AuditLog(tobira.store.audit, createLogger('silent')), throttle: new PasswordThrottle(new RateLimiter(tobira.store.counters, TEST_LIMIT_SETTINGS)) }).signInWithPassword(phone.email, PASSWORD, '127.0.0.1'), (err: unknown) => err instanceof AlwaysPasskeyOnError);
    });

    it('a passkey sign-in left at the consent page is as old as the sign-in, not the consent: not fresh enough later', async () => {
      const phone = await h.phoneFor(partner, `lateconsent.${kind}@example.com`);
      await turnOn(phone);
      const { browser, consent } = await passkeyAtPartner(phone);
      const signedInAt = Math.floor(Date.now() / 1000);
      // The consent is given in a later second than the sign-in.
      await new Promise((resolve) => setTimeout(resolve, (signedInAt + 1) * 1000 - Date.now() + 50));
      const back = await browser.submit(consent, '/consent', {}, PARTNER_CALLBACK);
      assert.ok(back.url.startsWith(PARTNER_CALLBACK));
      // tobira's clock: 300.5 s after the second of the sign-in (under 300 s after the consent).
      offset = (signedInAt + 300.5) * 1000 - Date.now();
      const res = await browser.request(`${tobira.issuer}/account/always-passkey/off`);
      assert.equal(res.status, 303, 'not fresh: sent to sign in again');
      const to = new URL(String(res.headers.get('location')), tobira.issuer);
      assert.equal(to.pathname, '/auth');
      assert.equal(to.searchParams.get('acr_values'), 'phr');
    });

    it('introspection answers inactive for a password-dependent partner\'s tokens of an always-passkey account', async () => {
      const phone = await h.phoneFor(partner, `introspect.${kind}@example.com`);
      const tokens = await connectWidgetTokens(phone.browser);
      assert.ok(tokens.refresh_token);
      assert.equal((await oidc.tokenIntrospection(widget, tokens.access_token)).active, true);
      const account = await accountOf(phone.email);
      // As if the mode were switched on by another process while these tokens were being issued.
      await tobira.store.accounts.setSignInMode(account.id, { passwordHash: null, alwaysPasskey: true }, new Date());
      assert.equal((await oidc.tokenIntrospection(widget, tokens.access_token)).active, false);
      assert.equal((await oidc.tokenIntrospection(widget, tokens.refresh_token)).active, false);
      const refusals = await eventsOf(phone.email, 'token.refused');
      assert.ok(refusals.some((e) => e.details.client === WIDGET && e.details.endpoint === 'introspection'), JSON.stringify(refusals.map((e) => e.details)));
    });

    it('a consent posted straight to a refused password-dependent partner is refused too, and no grant is saved', async () => {
      const phone = await h.phoneFor(partner, `directconsent.${kind}@example.com`);
      await turnOn(phone);
      const pending = await startAuthorization(widget, { scope: 'openid offline_access', prompt: 'consent' });
      const page = await phone.browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
      assert.equal(errorCodeOf(page), 'password_dependent_client');
      const uid = /action="\/interaction\/([^/"]+)\/password-dependent"/.exec(page.body)?.[1];
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      assert.ok(uid && csrf);
      const account = await accountOf(phone.email);
      const refusalsBefore = (await eventsOf(phone.email, 'authorization.refused')).length;
      const posted = await phone.browser.request(`${tobira.issuer}/interaction/${uid}/consent`, { method: 'POST', form: { _csrf: csrf, remember: 'on' } });
      assert.equal(posted.status, 403);
      assert.equal(errorCodeOf(posted), 'password_dependent_client');
      assert.deepEqual((await tobira.store.oidc('Grant').listByAccountId(account.id)).filter((g) => g.payload.clientId === WIDGET), [], 'no grant was saved');
      assert.equal((await eventsOf(phone.email, 'authorization.refused')).length, refusalsBefore + 1);
    });
  });
}
