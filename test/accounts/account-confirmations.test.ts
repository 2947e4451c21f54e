// The account menu's confirmation pages for the steps that end the most: removing a phone, and
// deleting a passkey (a phone's passkey removes the phone). The page counts what will end (the
// browsers signed in, the partner services signed in, the trusted browsers) and changes nothing;
// only its form does, and the user then reads what happened where they land. A phone's passkey is
// shown once, under its phone.
import assert from 'node:assert/strict';
import { errorCodeOf, type Page } from '../support/http-browser.ts';
import { PASSWORD } from '../support/partner.ts';
import { usePushTobira } from '../support/push-harness.ts';
import { lostPhoneAccount, type LostPhoneAccount } from '../support/recovery-harness.ts';
import { FEATURE_STORES } from '../support/stores.ts';

const consequencesOf = (page: Page): string[] =>
  [...(/<ul id="consequences"[^>]*>([\s\S]*?)<\/ul>/.exec(page.body)?.[1] ?? '').matchAll(/<li>([^<]*)<\/li>/g)].map((m) => (m[1] ?? '').replaceAll('&#34;', '"').replaceAll('&#39;', '\''));

for (const kind of FEATURE_STORES) {
  describe(`account menu: confirmation before removing a phone or deleting a passkey (${kind} store)`, function () {
    this.timeout(60_000);
    let offset = 0;
    const now = (): number => Date.now() + offset;
    const suite = usePushTobira(kind, { now, smtp: true });
    const { h } = suite;
    let alice: LostPhoneAccount;
    let deviceId: string;
    let otherDeviceId: string;

    before(async () => {
      alice = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `confirm.${kind}@example.com`);
      deviceId = (await suite.store.devices.listByAccount(alice.accountId))[0]!.id;
      const bob = await h.phoneFor(suite.config, `confirm.other.${kind}@example.com`);
      otherDeviceId = (await suite.store.devices.listByAccount((await suite.store.accounts.findByEmail(bob.email))!.id))[0]!.id;
    });
    afterEach(() => {
      offset = 0;
    });

    async function state(): Promise<string> {
      return JSON.stringify({
        sessions: (await suite.store.oidc('Session').listByAccountId(alice.accountId)).length,
        refresh: (await suite.store.oidc('RefreshToken').listByAccountId(alice.accountId)).length,
        browsers: (await suite.store.trustedBrowsers.listByAccount(alice.accountId)).length,
        devices: (await suite.store.devices.listByAccount(alice.accountId)).length,
        passkeys: (await suite.store.passkeys.listByAccount(alice.accountId)).length,
      });
    }

    it('shows the phone\'s passkey once: under the phone, not among the passkeys', async () => {
      const phoneKey = alice.phoneKey.credentialId;
      const phones = await alice.browser.follow(`${suite.tobira.issuer}/account/phones`);
      assert.match(phones.body, new RegExp(`<div class="phone-passkey" data-credential-id="${phoneKey}">\\s*<p class="muted">This phone&#39;s passkey</p>`));
      const passkeys = await alice.browser.follow(`${suite.tobira.issuer}/account/passkeys`);
      assert.doesNotMatch(passkeys.body, new RegExp(`data-credential-id="${phoneKey}"`), 'not listed again among the passkeys');
      assert.match(passkeys.body, /id="no-passkeys"/);
      assert.match(passkeys.body, /Your phones&#39; passkeys are listed under Phones\./);
      // The passkey manager is still told the phone's passkey is the account's.
      assert.match(passkeys.body, new RegExp(`data-credential-ids="\\[&#34;${phoneKey}&#34;\\]"`));
      const overview = await alice.browser.follow(`${suite.tobira.issuer}/account`);
      assert.match(overview.body, /id="overview-passkeys"><span class="overview-title">Passkeys<\/span><span class="overview-summary">Registered: 0</);
      assert.match(overview.body, /id="overview-phones"><span class="overview-title">Phones \(passkey devices\)<\/span><span class="overview-summary">Lost phone</);
    });

    it('says exactly what removing the phone ends, in English and in Japanese, and changes nothing', async () => {
      const before = await state();
      const sessions = (await suite.store.oidc('Session').listByAccountId(alice.accountId)).length;
      const trusted = (await suite.store.trustedBrowsers.listByAccount(alice.accountId)).length;
      assert.ok(sessions >= 3 && trusted >= 1);
      const page = await alice.browser.follow(`${suite.tobira.issuer}/account/phones/remove?id=${deviceId}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<h1 id="confirm-title">Remove the phone “Lost phone”\?<\/h1>/);
      assert.deepEqual(consequencesOf(page), [
        'The phone “Lost phone” and its passkey are removed: it can no longer sign in or approve sign-ins.',
        `You are signed out of ${sessions} browsers, this one included; you sign in again right after.`,
        'These services lose access and ask you to sign in again (your permission stays): Partner Shop.',
        `${trusted} trusted browser(s) are no longer trusted (the next sign-in there by phone notification asks you to pick a number).`,
        'We tell you about it at your account\'s e-mail addresses.',
      ]);
      assert.match(page.body, /<button type="submit" class="danger" id="confirm-button">Remove the phone and sign out everywhere<\/button>/);
      assert.match(page.body, /<a class="button secondary" href="\/account\/phones" id="confirm-cancel">Cancel<\/a>/);
      const ja = await alice.browser.follow(`${suite.tobira.issuer}/account/phones/remove?id=${deviceId}&lang=ja`);
      assert.match(ja.body, /スマートフォン「Lost phone」を削除しますか？/);
      assert.ok(consequencesOf(ja).includes(`このブラウザを含む ${sessions} 件のブラウザでログアウトされます。続けてもう一度ログインしていただきます。`));
      await alice.browser.follow(`${suite.tobira.issuer}/account?lang=en`);
      assert.equal(await state(), before, 'the confirmation page changes nothing');
    });

    it('says that deleting the phone\'s passkey removes the phone, with the same consequences', async () => {
      const before = await state();
      const page = await alice.browser.follow(`${suite.tobira.issuer}/account/passkeys/delete?credentialId=${alice.phoneKey.credentialId}`);
      assert.equal(page.status, 200);
      const lines = consequencesOf(page);
      assert.equal(lines[0], 'This passkey belongs to the phone “Lost phone”: deleting it removes the phone too.');
      assert.match(lines[2] ?? '', /^You are signed out of \d+ browsers, this one included/);
      assert.match(page.body, /id="confirm-button">Remove the phone and sign out everywhere</);
      assert.equal(await state(), before);
    });

    it('refuses another account\'s phone, an unknown or malformed one, and signed-out visitors', async () => {
      for (const path of [`/account/phones/remove?id=${otherDeviceId}`, '/account/phones/remove?id=AAAAAAAAAAAAAAAAAAAAAA']) {
        const page = await alice.browser.request(`${suite.tobira.issuer}${path}`);
        assert.equal(page.status, 404, path);
        assert.equal(errorCodeOf(page), 'device_not_found', path);
      }
      assert.equal(errorCodeOf(await alice.browser.request(`${suite.tobira.issuer}/account/passkeys/delete?credentialId=AAAA`)), 'passkey_not_found');
      for (const path of ['/account/phones/remove?id=a%20b', '/account/phones/remove', '/account/passkeys/delete?credentialId=%3Cscript%3E']) {
        assert.equal((await alice.browser.request(`${suite.tobira.issuer}${path}`)).status, 400, path);
      }
    });

    it('warns on the confirmation page when the step will ask for a fresh sign-in, and then asks for it, changing nothing', async () => {
      offset = 6 * 60_000;
      const before = await state();
      const page = await alice.browser.follow(`${suite.tobira.issuer}/account/phones/remove?id=${deviceId}`);
      assert.match(page.body, /id="confirm-reauth">You will be asked to sign in again first; then you come back to this page to confirm\.</);
      const services = await alice.browser.follow(`${suite.tobira.issuer}/account/services/revoke?client=partner-web`);
      assert.doesNotMatch(services.body, /id="confirm-reauth"/, 'disconnecting needs no fresh sign-in, so no warning');
      const stale = await alice.browser.request(new URL('/account/phones/remove', suite.tobira.issuer).href, { form: { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '', id: deviceId } });
      assert.equal(stale.status, 303);
      const location = new URL(stale.headers.get('location') ?? '', suite.tobira.issuer);
      assert.equal(location.pathname, '/auth');
      assert.equal(location.searchParams.get('prompt'), 'login');
      assert.equal(await state(), before);
      offset = 0;
      // Signed in again, the user is back on the confirmation page of the same phone, not on the
      // menu's section, and confirms there.
      const login = await alice.browser.follow(location.href);
      const back = await alice.browser.submit(login, '/password', { email: alice.email, password: PASSWORD });
      assert.equal(new URL(back.url).pathname + new URL(back.url).search, `/account/phones/remove?id=${deviceId}`);
      assert.match(back.body, /id="confirm-form"/);
      assert.doesNotMatch(back.body, /id="confirm-reauth"/);
      assert.equal(await state().then((s) => JSON.parse(s).devices), 1, 'nothing removed yet: the user confirms again');
      const freshPage = await alice.browser.follow(`${suite.tobira.issuer}/account/phones/remove?id=${deviceId}`);
      assert.doesNotMatch(freshPage.body, /id="confirm-reauth"/);
    });

    it('comes back to the confirmation page also after a slow sign-in (the sign-in page left open for 20 minutes)', async () => {
      offset = 6 * 60_000;
      const page = await alice.browser.follow(`${suite.tobira.issuer}/account/phones/remove?id=${deviceId}`);
      const stale = await alice.browser.request(new URL('/account/phones/remove', suite.tobira.issuer).href, { form: { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '', id: deviceId } });
      const login = await alice.browser.follow(new URL(stale.headers.get('location') ?? '', suite.tobira.issuer).href);
      // The user comes back to the sign-in page 20 minutes later: it is still usable (the
      // interaction lives an hour), and so is the way back to the confirmation.
      offset += 20 * 60_000;
      const back = await alice.browser.submit(login, '/password', { email: alice.email, password: PASSWORD });
      assert.equal(back.status, 200, back.body.slice(0, 300));
      assert.equal(new URL(back.url).pathname + new URL(back.url).search, `/account/phones/remove?id=${deviceId}`);
      assert.equal(await state().then((s) => JSON.parse(s).devices), 1);
    });

    it('confirms before no longer trusting one browser or all of them, then says what happened', async () => {
      const browsers = await suite.store.trustedBrowsers.listByAccount(alice.accountId);
      assert.equal(browsers.length, 1);
      const one = await alice.browser.follow(`${suite.tobira.issuer}/account/browsers/revoke?id=${browsers[0]!.id}`);
      assert.match(one.body, new RegExp(`<h1 id="confirm-title">Stop trusting “${browsers[0]!.name}”\\?</h1>`));
      assert.deepEqual(consequencesOf(one), ['The next sign-in in this browser by phone notification asks you to pick a number again. It stays signed in.']);
      const all = await alice.browser.follow(`${suite.tobira.issuer}/account/browsers/revoke-all`);
      assert.match(all.body, new RegExp(`<h1 id="confirm-title">Stop trusting “${browsers[0]!.name}”\\?</h1>`), 'one browser is named, not counted');
      assert.match(all.body, /action="\/account\/browsers\/revoke-all"/);
      assert.equal((await suite.store.trustedBrowsers.listByAccount(alice.accountId)).length, 1, 'the confirmation pages change nothing');
      assert.equal(errorCodeOf(await alice.browser.request(`${suite.tobira.issuer}/account/browsers/revoke?id=AAAAAAAAAAAAAAAAAAAAAA`)), 'trusted_browser_not_found');
      const done = await alice.browser.submit(all, '/account/browsers/revoke-all', {});
      assert.equal(new URL(done.url).pathname + new URL(done.url).search, '/account/browsers?notice=revoked_all');
      assert.match(done.body, /id="notice" tabindex="-1" autofocus>No browser is trusted any more\./);
      assert.deepEqual(await suite.store.trustedBrowsers.listByAccount(alice.accountId), []);
      assert.equal(errorCodeOf(await alice.browser.request(`${suite.tobira.issuer}/account/browsers/revoke-all`)), 'trusted_browser_not_found', 'nothing left to confirm');
    });

    it('removes the phone from the confirmation page, and tells the user what happened where they land', async () => {
      const page = await alice.browser.follow(`${suite.tobira.issuer}/account/phones/remove?id=${deviceId}`);
      const removed = await alice.browser.submit(page, '/account/phones/remove', {}, `${suite.tobira.issuer}/auth`);
      assert.equal(new URL(removed.url).pathname, '/auth');
      assert.deepEqual(await suite.store.devices.listByAccount(alice.accountId), []);
      const login = await alice.browser.follow(removed.url);
      const back = await alice.browser.submit(login, '/password', { email: alice.email, password: PASSWORD });
      assert.equal(new URL(back.url).pathname + new URL(back.url).search, '/account?notice=phone_removed');
      assert.match(back.body, /<p class="notice" role="status" id="notice">The phone was removed with its passkey\./);
    });
  });
}
