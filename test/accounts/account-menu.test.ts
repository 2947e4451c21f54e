// The account menu beyond passkeys, phones and trusted browsers: the profile, the sign-in history
// read back from the audit log, and connected partner services, whose disconnection takes their
// tokens with them (checked with openid-client as the partner).
import assert from 'node:assert/strict';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import * as oidc from 'openid-client';
import {
  addPasskey, browserWith, csrfOf, FIREFOX_ON_WINDOWS, member, menuOf, passkeySignIn, passwordSignIn, postJson, SAFARI_ON_IPHONE, signInPage,
} from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, partnerClient, redeem, startAuthorization } from '../support/partner.ts';
import { jsonOf } from '../support/push-harness.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';
import { ACCOUNT_CLIENT_ID } from '../../src/clients/first-party.ts';

interface HistoryRow {
  result: string;
  method: string;
  service: string;
  browser: string;
  where: string;
  reason: string;
}

function historyOf(page: Page): HistoryRow[] {
  const section = /<section[^>]*id="section-history"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
  return [...section.matchAll(/<li class="passkey sign-in[^"]*" data-result="([^"]+)" data-method="([^"]+)">([\s\S]*?)<\/li>/g)].map((m) => {
    const text = (cls: string): string => new RegExp(`class="${cls}">([^<]*)<`).exec(m[3] ?? '')?.[1] ?? '';
    return { result: m[1] ?? '', method: m[2] ?? '', service: text('sign-in-service'), browser: text('sign-in-browser'), where: text('sign-in-where'), reason: /class="sign-in-reason">\(([^)]*)\)/.exec(m[3] ?? '')?.[1] ?? '' };
  });
}

function servicesOf(page: Page): Array<{ clientId: string; name: string; scopes: string; client: string }> {
  const section = /<section[^>]*id="section-services"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
  return [...section.matchAll(/<li class="passkey service" data-client-id="([^"]+)">([\s\S]*?)<\/li>/g)].map((m) => ({
    clientId: m[1] ?? '',
    name: /<h2 class="passkey-name">([^<]*)<\/h2>/.exec(m[2] ?? '')?.[1] ?? '',
    scopes: /class="service-scopes">([^<]*)</.exec(m[2] ?? '')?.[1] ?? '',
    client: /href="\/account\/services\/revoke\?client=([^"]+)"/.exec(m[2] ?? '')?.[1] ?? '',
  }));
}

for (const kind of FEATURE_STORES) {
  describe(`account menu: profile, sign-in history, connected services (${kind} store)`, () => {
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;

    before(async () => {
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()] });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
    });

    it('shows an overview with a summary line and a link per section, and each section on its own page, in English and in Japanese', async () => {
      const m = await member(tobira.issuer, config, `sections.${kind}@example.com`);
      const en = await menuOf(tobira.issuer, m.browser);
      const overview = [...en.body.matchAll(/<a href="\/account\/([a-z]+)" id="overview-\1"><span class="overview-title">([^<]+)<\/span><span class="overview-summary">([^<]*)<\/span>/g)].map((x) => [x[1], x[2], x[3]]);
      assert.deepEqual(overview, [
        ['phones', 'Phones (passkey devices)', 'None set up yet'],
        ['passkeys', 'Passkeys', 'Registered: 0'],
        ['browsers', 'Trusted browsers', 'Trusted: 0'],
        ['contacts', 'Contact details', 'E-mail: Not set · Mobile: Not set'],
        ['services', 'Connected services', 'Partner Shop'],
        ['history', 'Sign-in history', overview[5]?.[2] ?? ''],
        ['profile', 'Profile', `Hanako Yamada (sections.${kind}@example.com)`],
      ]);
      assert.match(overview[5]?.[2] ?? '', /^Last: .+ \(Sign-up \(password\)\)$/);
      assert.doesNotMatch(en.body, /id="section-(profile|passkeys|phones|browsers|contacts|services|history)"/, 'no section is on the overview');
      assert.doesNotMatch(en.body, /name="name"/, 'no rename form on the overview');
      for (const [id, heading] of [['profile', 'Profile'], ['passkeys', 'Passkeys'], ['phones', 'Phones \\(passkey devices\\)'], ['browsers', 'Trusted browsers'], ['contacts', 'Contact details'], ['services', 'Connected services'], ['history', 'Sign-in history']] as const) {
        const page = await menuOf(tobira.issuer, m.browser, id);
        assert.match(page.body, new RegExp(`<h1 id="h-${id}">${heading}</h1>`), id);
        assert.match(page.body, new RegExp(`id="section-${id}" aria-labelledby="h-${id}"`), id);
        assert.match(page.body, /<a href="\/account" id="back-to-account">Back to your account<\/a>/, id);
      }
      const profile = await menuOf(tobira.issuer, m.browser, 'profile');
      assert.match(profile.body, /id="profile-email">sections\./);
      assert.match(profile.body, new RegExp(`id="profile-id"><code>${m.accountId}<`));
      assert.match(profile.body, /<details class="rename">\s*<summary>Change name<\/summary>/, 'the name form is behind "Change name"');
      const ja = await m.browser.follow(`${tobira.issuer}/account?lang=ja`);
      for (const title of ['プロフィール', '連絡先', '連携中のサービス', 'ログイン履歴']) assert.match(ja.body, new RegExp(`<span class="overview-title">${title}</span>`));
      assert.match(ja.body, /<span class="overview-summary">まだ設定されていません<\/span>/);
      for (const [id, heading] of [['profile', 'プロフィール'], ['contacts', '連絡先'], ['services', '連携中のサービス'], ['history', 'ログイン履歴']] as const) {
        assert.match((await m.browser.follow(`${tobira.issuer}/account/${id}?lang=ja`)).body, new RegExp(`<h1 id="h-${id}">${heading}</h1>`));
      }
    });

    it('sends a signed-out visitor of a section page to sign in, and back to that page', async () => {
      const stranger = new HttpBrowser();
      const refused = await stranger.request(`${tobira.issuer}/account/services`);
      assert.equal(refused.status, 303);
      assert.match(refused.headers.get('location') ?? '', /\/auth\?client_id=tobira-account/);
      for (const path of ['/account/passkeys/delete?credentialId=abc', '/account/phones/remove?id=abc', '/account/browsers/revoke?id=abc', '/account/browsers/revoke-all', '/account/services/revoke?client=partner-web', '/account/contacts/email/remove']) {
        const page = await stranger.request(`${tobira.issuer}${path}`, { headers: { accept: 'text/html' } });
        assert.equal(errorCodeOf(page), 'not_signed_in', path);
      }
    });

    it('changes the display name; an empty name or a missing CSRF token changes nothing', async () => {
      const m = await member(tobira.issuer, config, `name.${kind}@example.com`);
      const done = await m.browser.submit(await menuOf(tobira.issuer, m.browser, 'profile'), '/account/profile/name', { name: '  山田 花子  ' });
      assert.match(done.url, /\/account\/profile\?notice=name_changed$/);
      assert.match(done.body, /id="notice" tabindex="-1" autofocus>Your name was changed\./);
      assert.match(done.body, /id="profile-name">山田 花子</);
      assert.equal((await tobira.store.accounts.findById(m.accountId))?.name, '山田 花子');
      const empty = await m.browser.submit(done, '/account/profile/name', { name: '   ' });
      assert.equal(empty.status, 400);
      assert.equal(errorCodeOf(empty), 'invalid_input');
      const forged = await m.browser.request(`${tobira.issuer}/account/profile/name`, { form: { name: 'Mallory' } });
      assert.equal(errorCodeOf(forged), 'csrf_failed');
      assert.equal((await tobira.store.accounts.findById(m.accountId))?.name, '山田 花子');
      const [event] = await tobira.store.audit.listByAccount(m.accountId, 1, ['profile.name_changed']);
      assert.deepEqual(event?.details, { from: 'Hanako Yamada', to: '山田 花子' });
    });

    it('lists a password sign-up as the first sign-in, in English and in Japanese', async () => {
      const firefox = browserWith(FIREFOX_ON_WINDOWS);
      const m = await member(tobira.issuer, config, `signup.history.${kind}@example.com`, firefox);
      const history = historyOf(await menuOf(tobira.issuer, m.browser, 'history'));
      assert.deepEqual(history.map((h) => [h.result, h.method, h.service, h.browser, h.reason]), [['ok', 'signup_password', 'Partner Shop', 'Firefox 128 on Windows', '']]);
      assert.match(history[0]?.where ?? '', /^(::ffff:)?127\.0\.0\.1$/);
      const menu = await menuOf(tobira.issuer, m.browser, 'history');
      assert.match(menu.body, /class="sign-in-method">Sign-up \(password\)</);
      const ja = await m.browser.follow(`${tobira.issuer}/account/history?lang=ja`);
      assert.match(ja.body, /class="sign-in-method">アカウント登録（パスワード）</);
      const [event] = await tobira.store.audit.listByAccount(m.accountId, 1, ['login.succeeded']);
      assert.deepEqual(event?.details, { method: 'password', client: 'partner-web', signup: true });
    });

    it('lists successful and failed sign-ins with method, partner service, browser, IP and reason', async () => {
      const m = await member(tobira.issuer, config, `history.${kind}@example.com`);
      const [signUp] = historyOf(await menuOf(tobira.issuer, m.browser, 'history'));
      assert.deepEqual([signUp?.result, signUp?.method], ['ok', 'signup_password'], 'the sign-up is the first sign-in');
      const key = await addPasskey(tobira.issuer, m.browser);

      const firefox = browserWith(FIREFOX_ON_WINDOWS);
      const wrong = await passwordSignIn(config, firefox, m.email, 'not the password at all');
      assert.equal(errorCodeOf(wrong), 'invalid_credentials');
      let page = await passwordSignIn(config, firefox, m.email);
      if (!page.url.startsWith(PARTNER_CALLBACK)) page = await firefox.submit(page, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      assert.ok(page.url.startsWith(PARTNER_CALLBACK));

      const safari = browserWith(SAFARI_ON_IPHONE);
      const { uid, csrf } = await signInPage(config, safari);
      const options = jsonOf(await postJson(safari, `${tobira.issuer}/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
      const tampered = await postJson(safari, `${tobira.issuer}/interaction/${uid}/passkey/verify`, { response: key.authenticate(options, { mutateSignature: (b) => { const c = new Uint8Array(b); c[5] = (c[5] ?? 0) ^ 0xff; return c; } }) }, csrf);
      assert.equal(jsonOf(tampered).error, 'passkey_verification_failed');
      assert.ok((await passkeySignIn(tobira.issuer, config, safari, key)).url.startsWith(PARTNER_CALLBACK));

      const history = historyOf(await menuOf(tobira.issuer, m.browser, 'history'));
      assert.deepEqual(history.map((h) => [h.result, h.method, h.service, h.browser, h.reason]), [
        ['ok', 'passkey', 'Partner Shop', 'Safari 17 on iOS', ''],
        ['failed', 'passkey', 'Partner Shop', 'Safari 17 on iOS', 'passkey check failed'],
        ['ok', 'password', 'Partner Shop', 'Firefox 128 on Windows', ''],
        ['failed', 'password', 'Partner Shop', 'Firefox 128 on Windows', 'wrong e-mail or password'],
        ['ok', 'signup_password', 'Partner Shop', signUp?.browser, ''],
      ]);
      for (const h of history) assert.match(h.where, /^(::ffff:)?127\.0\.0\.1$/);
      const ja = historyOf(await m.browser.follow(`${tobira.issuer}/account/history?lang=ja`));
      assert.equal(ja[3]?.reason, 'メールアドレスまたはパスワードの誤り');
    });

    it('lists a connected partner, and disconnecting it revokes its refresh token', async () => {
      const m = await member(tobira.issuer, config, `grants.${kind}@example.com`);
      const pending = await startAuthorization(config, { scope: 'openid profile email offline_access', prompt: 'consent' });
      const consent = await m.browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
      const callback = await m.browser.submit(consent, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      const tokens = await redeem(config, pending, callback.url);
      assert.ok(tokens.refresh_token);
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.refresh_token);

      const menu = await menuOf(tobira.issuer, m.browser, 'services');
      const services = servicesOf(menu);
      assert.deepEqual(services.map((s) => [s.clientId, s.name]), [['partner-web', 'Partner Shop']], 'tobira\'s own account menu is not listed');
      assert.match(services[0]?.scopes ?? '', /Your name.*Your e-mail address.*Keep access while you are signed out/);
      const inJapanese = servicesOf(await m.browser.follow(`${tobira.issuer}/account/services?lang=ja`));
      assert.equal(inJapanese[0]?.scopes, 'お名前（表示名）、メールアドレス、ログアウト中もアクセスを続けること', 'a Japanese list, not ASCII commas');
      await m.browser.follow(`${tobira.issuer}/account/services?lang=en`);

      // A partner the account is not connected to, tobira's own menu, a malformed client id, a
      // missing CSRF token: refused, nothing revoked.
      const grants = await tobira.store.oidc('Grant').listByAccountId(m.accountId);
      const csrf = csrfOf(await menuOf(tobira.issuer, m.browser));
      for (const client of ['other-partner', ACCOUNT_CLIENT_ID]) {
        const refused = await m.browser.request(`${tobira.issuer}/account/services/revoke`, { form: { _csrf: csrf, client } });
        assert.equal(refused.status, 404);
        assert.equal(errorCodeOf(refused), 'service_not_connected');
      }
      const malformed = await m.browser.request(`${tobira.issuer}/account/services/revoke`, { form: { _csrf: csrf, client: 'partner web!' } });
      assert.equal(malformed.status, 400);
      const forged = await m.browser.request(`${tobira.issuer}/account/services/revoke`, { form: { client: services[0]?.client ?? '' } });
      assert.equal(errorCodeOf(forged), 'csrf_failed');
      assert.equal((await tobira.store.oidc('Grant').listByAccountId(m.accountId)).length, grants.length, 'no grant removed');
      const stillWorks = await oidc.refreshTokenGrant(config, refreshed.refresh_token as string);
      assert.ok(stillWorks.refresh_token);

      // The Disconnect link opens a confirmation page that says what ends, and changes nothing.
      const confirmation = await m.browser.follow(`${tobira.issuer}/account/services/revoke?client=${services[0]?.client ?? ''}`);
      assert.match(confirmation.body, /<h1 id="confirm-title">Disconnect Partner Shop\?<\/h1>/);
      assert.match(confirmation.body, /<li>Partner Shop loses access: the tokens it holds end, and it can no longer get: Your name, Your e-mail address, Keep access while you are signed out\.<\/li>/);
      assert.match(confirmation.body, /<li>The next time you sign in to Partner Shop, it asks for your permission again\.<\/li>/);
      assert.equal((await tobira.store.oidc('Grant').listByAccountId(m.accountId)).length, grants.length, 'the confirmation page changes nothing');
      for (const client of ['other-partner', ACCOUNT_CLIENT_ID]) {
        assert.equal(errorCodeOf(await m.browser.request(`${tobira.issuer}/account/services/revoke?client=${client}`)), 'service_not_connected');
      }
      assert.equal((await m.browser.request(`${tobira.issuer}/account/services/revoke?client=partner%20web!`)).status, 400);
      const done = await m.browser.submit(confirmation, '/account/services/revoke', {});
      assert.match(done.url, /\/account\/services\?notice=service_disconnected$/);
      assert.match(done.body, /id="notice" tabindex="-1" autofocus>The service was disconnected\. Its tokens ended, and it will ask for your permission again\./);
      assert.deepEqual(servicesOf(done), []);
      assert.match(done.body, /id="no-services"/);
      await assert.rejects(oidc.refreshTokenGrant(config, stillWorks.refresh_token as string), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      const left = await tobira.store.oidc('Grant').listByAccountId(m.accountId);
      assert.deepEqual(left.filter((g) => g.payload.clientId !== ACCOUNT_CLIENT_ID), [], 'no partner grant is left');
      const [event] = await tobira.store.audit.listByAccount(m.accountId, 1, ['grant.revoked']);
      assert.equal(event?.details.client, 'partner-web');
      // The partner must ask again.
      const again = await startAuthorization(config);
      const asked = await m.browser.follow(again.url.href, {}, PARTNER_CALLBACK);
      assert.match(asked.body, /action="[^"]*\/consent"/, 'consent is asked again');
    });
  });
}
