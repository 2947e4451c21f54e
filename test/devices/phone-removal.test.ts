// Removing a phone in the account menu: its passkey goes with it, and so does every session (the
// one doing the removal too: whoever holds the phone may be the one at this keyboard), every
// refresh token and every trusted browser of the account; the browser doing the removal is sent to
// sign in again and then told what happened, and the account's addresses are told.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { errorCodeOf, type HttpBrowser, type Page } from '../support/http-browser.ts';
import { PASSWORD } from '../support/partner.ts';
import { jsonOf, usePushTobira } from '../support/push-harness.ts';
import { lostPhoneAccount, mailMatching, passkeySignIn, type LostPhoneAccount } from '../support/recovery-harness.ts';
import { FEATURE_STORES } from '../support/stores.ts';

for (const kind of FEATURE_STORES) {
  describe(`removing a phone revokes every sign-in of the account (${kind} store)`, function () {
    this.timeout(60_000);
    let offset = 0;
    const now = (): number => Date.now() + offset;
    const suite = usePushTobira(kind, { now, smtp: true });
    const { h } = suite;
    let alice: LostPhoneAccount;
    let bobDeviceId: string;
    let aliceDeviceId: string;

    before(async () => {
      alice = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `remover.${kind}@example.com`);
      const bob = await h.phoneFor(suite.config, `bystander.${kind}@example.com`);
      const bobAccount = await suite.store.accounts.findByEmail(bob.email);
      bobDeviceId = (await suite.store.devices.listByAccount(bobAccount!.id))[0]!.id;
      aliceDeviceId = (await suite.store.devices.listByAccount(alice.accountId))[0]!.id;
    });
    afterEach(() => {
      offset = 0;
    });

    async function csrfOf(browser: HttpBrowser): Promise<string> {
      const menu = await browser.request(`${suite.tobira.issuer}/account`);
      assert.equal(menu.status, 200);
      return /name="_csrf" value="([^"]+)"/.exec(menu.body)?.[1] ?? '';
    }

    const removePhone = async (browser: HttpBrowser, form: Record<string, string>) => browser.request(`${suite.tobira.issuer}/account/phones/remove`, { form });

    /** Where the removal sent the browser: a sign-in as the account itself; signs in with the password there. */
    async function signInAgain(browser: HttpBrowser, answer: Page, email: string): Promise<Page> {
      assert.equal(answer.status, 303, answer.body);
      const location = new URL(answer.headers.get('location') ?? '', suite.tobira.issuer);
      assert.equal(location.pathname, '/auth');
      assert.equal(location.searchParams.get('prompt'), 'login');
      assert.equal(location.searchParams.get('login_hint'), email);
      const login = await browser.follow(location.href);
      assert.match(login.body, new RegExp(`value="${email.replace(/\./g, '\\.')}"`), 'the sign-in page names the account');
      return browser.submit(login, '/password', { email, password: PASSWORD });
    }

    async function state(): Promise<string> {
      return JSON.stringify({
        sessions: (await suite.store.oidc('Session').listByAccountId(alice.accountId)).map((s) => s.id).sort(),
        refresh: (await suite.store.oidc('RefreshToken').listByAccountId(alice.accountId)).length,
        browsers: (await suite.store.trustedBrowsers.listByAccount(alice.accountId)).map((b) => b.id),
        devices: (await suite.store.devices.listByAccount(alice.accountId)).map((d) => d.id),
        passkeys: (await suite.store.passkeys.listByAccount(alice.accountId)).map((p) => p.credentialId),
        bob: (await suite.store.devices.findById(bobDeviceId))?.id,
      });
    }

    it('refuses another account\'s phone, an unknown phone, a missing CSRF token and a stale sign-in, changing nothing', async () => {
      const csrf = await csrfOf(alice.browser);
      const before = await state();
      for (const id of [bobDeviceId, 'AAAAAAAAAAAAAAAAAAAAAA']) {
        const page = await removePhone(alice.browser, { _csrf: csrf, id });
        assert.equal(page.status, 404);
        assert.equal(errorCodeOf(page), 'device_not_found');
      }
      const forged = await removePhone(alice.browser, { id: aliceDeviceId });
      assert.equal(forged.status, 403);
      assert.equal(errorCodeOf(forged), 'csrf_failed');
      // Six minutes after signing in, the user must sign in again first.
      offset = 6 * 60_000;
      const stale = await removePhone(alice.browser, { _csrf: csrf, id: aliceDeviceId });
      assert.equal(stale.status, 303);
      assert.match(stale.headers.get('location') ?? '', /\/auth\?.*prompt=login/);
      offset = 0;
      assert.equal(await state(), before);
      assert.deepEqual(await suite.store.audit.list({ type: 'access.revoked', limit: 5 }), []);
    });

    it('removes the phone and its passkey, ends every session (the acting one too), refresh token and trusted browser, and tells the user', async () => {
      const mailsBefore = suite.smtp.messages.length;
      assert.ok((await suite.store.oidc('Session').listByAccountId(alice.accountId)).length >= 3);
      assert.ok((await suite.store.trustedBrowsers.listByAccount(alice.accountId)).length >= 1);
      const csrf = await csrfOf(alice.browser);
      const removed = await removePhone(alice.browser, { _csrf: csrf, id: aliceDeviceId });
      assert.equal(removed.status, 303, removed.body);
      assert.deepEqual(await suite.store.oidc('Session').listByAccountId(alice.accountId), [], 'no session is left, the acting one neither');

      // It signs in again (with the password: the phone's passkey was its only one) and is told why.
      const back = await signInAgain(alice.browser, removed, alice.email);
      assert.equal(back.status, 200, back.body.slice(0, 500));
      assert.equal(new URL(back.url).pathname + new URL(back.url).search, '/account?notice=phone_removed');
      assert.match(back.body, /The phone was removed with its passkey\. For your safety, every sign-in of your account, every partner service token and every trusted browser was ended/);
      assert.equal((await alice.browser.request(`${suite.tobira.issuer}/account`)).status, 200, 'signed in again');
      assert.equal((await suite.store.oidc('Session').listByAccountId(alice.accountId)).length, 1);
      for (const other of [alice.pc, alice.phone]) {
        const menu = await other.request(`${suite.tobira.issuer}/account`);
        assert.equal(menu.status, 303, 'sent to sign in');
        assert.match(menu.headers.get('location') ?? '', /\/auth\?/);
      }
      await assert.rejects(oidc.refreshTokenGrant(suite.config, alice.refreshToken), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      assert.deepEqual(await suite.store.trustedBrowsers.listByAccount(alice.accountId), []);
      assert.deepEqual(await suite.store.devices.listByAccount(alice.accountId), []);
      assert.deepEqual(await suite.store.passkeys.listByAccount(alice.accountId), []);
      const lost = await passkeySignIn(h, suite.config, alice.phoneKey);
      assert.equal(jsonOf(lost).error, 'unknown_passkey');
      assert.ok(await suite.store.devices.findById(bobDeviceId), 'another account is untouched');

      const [revoked] = await suite.store.audit.listByAccount(alice.accountId, 1, ['access.revoked']);
      assert.equal(revoked?.details.reason, 'phone_removed');
      assert.ok(Number(revoked?.details.sessions) >= 2);
      assert.ok(Number(revoked?.details.trustedBrowsers) >= 1);
      await mailMatching(suite.smtp, alice.email, /The phone "Lost phone" and its passkey were removed/, mailsBefore);
    });

    it('deleting the phone\'s passkey in the account menu removes the phone, with the same consequences', async () => {
      const carol = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `key-deleter.${kind}@example.com`);
      const mailsBefore = suite.smtp.messages.length;
      const deleted = await carol.browser.request(`${suite.tobira.issuer}/account/passkeys/delete`, { form: { _csrf: await csrfOf(carol.browser), credentialId: carol.phoneKey.credentialId } });
      assert.deepEqual(await suite.store.devices.listByAccount(carol.accountId), []);
      assert.deepEqual(await suite.store.oidc('Session').listByAccountId(carol.accountId), [], 'no session is left');
      assert.equal((await carol.pc.request(`${suite.tobira.issuer}/account`)).status, 303, 'signed out');
      // Signed in again, the menu says what happened and tells the passkey manager the passkey is gone.
      const back = await signInAgain(carol.browser, deleted, carol.email);
      assert.equal(back.status, 200, back.body.slice(0, 500));
      const landed = new URL(back.url);
      assert.deepEqual([landed.pathname, landed.searchParams.get('notice'), landed.searchParams.get('deleted')], ['/account', 'phone_removed', carol.phoneKey.credentialId]);
      assert.match(back.body, /id="notice"/);
      assert.match(back.body, new RegExp(`data-deleted="${carol.phoneKey.credentialId}"`));
      await assert.rejects(oidc.refreshTokenGrant(suite.config, carol.refreshToken), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      assert.deepEqual(await suite.store.trustedBrowsers.listByAccount(carol.accountId), []);
      const [revoked] = await suite.store.audit.listByAccount(carol.accountId, 1, ['access.revoked']);
      assert.equal(revoked?.details.reason, 'phone_removed');
      await mailMatching(suite.smtp, carol.email, /The phone "Lost phone" and its passkey were removed/, mailsBefore);
    });
  });
}
