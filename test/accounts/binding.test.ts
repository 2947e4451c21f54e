// Issue 10 row 4a: adding a way in (a passkey in the account menu, a phone) needs a recent sign-in
// at the account's strength, and the account's addresses are told of a new passkey.
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import * as oidc from 'openid-client';
import { addPasskey, csrfOf, member, menuOf, passkeySignIn, passwordSignIn, postJson } from '../support/account-menu.ts';
import { discover, partnerClient } from '../support/partner.ts';
import { jsonOf } from '../support/push-harness.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

for (const kind of FEATURE_STORES) {
  describe(`adding a passkey or a phone: recent sign-in at the account's strength, and a notice (${kind} store)`, () => {
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;
    let sink: SmtpSink;

    before(async () => {
      sink = new SmtpSink();
      const smtp = await sink.start();
      store = await freshStore(kind, { now: () => Date.now() + offset });
      tobira = await startTobira({ store, clients: [partnerClient()], env: { SMTP_URL: smtp }, now: () => Date.now() + offset });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await sink.stop();
    });
    afterEach(() => {
      offset = 0;
    });

    it('a password-only account: a password sign-in older than 5 minutes adds nothing; a fresh one adds it, and the addresses are told', async () => {
      const m = await member(tobira.issuer, config, `bind.password.${kind}@example.com`);
      const csrf = csrfOf(await menuOf(tobira.issuer, m.browser));
      offset = 301_000;
      const stale = await postJson(m.browser, `${tobira.issuer}/account/passkeys/options`, {}, csrf);
      assert.equal(stale.status, 403);
      assert.equal(jsonOf(stale).error, 'reauthentication_required');
      const staleVerify = await postJson(m.browser, `${tobira.issuer}/account/passkeys/verify`, { response: {} }, csrf);
      assert.equal(jsonOf(staleVerify).error, 'reauthentication_required');
      // The page account.js goes to then: sign in again as this account.
      const again = await m.browser.request(`${tobira.issuer}/account/passkeys/add`);
      assert.equal(again.status, 303);
      assert.equal(new URL(again.headers.get('location')!).searchParams.get('login_hint'), m.email);
      assert.deepEqual(await store.passkeys.listByAccount(m.accountId), [], 'nothing added');

      // oidc-provider dates sign-ins by the real clock: back to it, and sign in again.
      offset = 0;
      await passwordSignIn(config, m.browser, m.email, undefined, { prompt: 'login' });
      const since = sink.messages.length;
      await addPasskey(tobira.issuer, m.browser);
      const [passkey] = await store.passkeys.listByAccount(m.accountId);
      assert.ok(passkey);
      const notice = await sink.latestTo(m.email, since);
      assert.equal(notice.subject, 'tobira: a new passkey was added');
    });

    it('an account with a passkey: a fresh password sign-in is not enough for another passkey or a phone; a fresh passkey sign-in is (a phone approval too: test/browser/phone-change)', async () => {
      const m = await member(tobira.issuer, config, `bind.passkey.${kind}@example.com`);
      const key = await addPasskey(tobira.issuer, m.browser);
      // A fresh sign-in, but with the password.
      await passwordSignIn(config, m.browser, m.email, undefined, { prompt: 'login' });
      const csrf = csrfOf(await menuOf(tobira.issuer, m.browser));
      const byPassword = await postJson(m.browser, `${tobira.issuer}/account/passkeys/options`, {}, csrf);
      assert.equal(byPassword.status, 403);
      assert.equal(jsonOf(byPassword).error, 'passkey_reauthentication_required');
      const phone = await postJson(m.browser, `${tobira.issuer}/device/api/setup/options`, {}, csrf);
      assert.equal(phone.status, 403);
      assert.equal(jsonOf(phone).error, 'passkey_reauthentication_required');
      const phoneSetup = await postJson(m.browser, `${tobira.issuer}/device/api/setup`, { name: 'Phone', subscription: { endpoint: 'https://127.0.0.1/x', keys: { p256dh: 'p', auth: 'a' } }, response: {} }, csrf);
      assert.equal(jsonOf(phoneSetup).error, 'passkey_reauthentication_required');
      const confirm = await m.browser.request(`${tobira.issuer}/device/confirm`);
      assert.equal(new URL(confirm.headers.get('location')!).searchParams.get('acr_values'), 'phr', 'device.js leads to a passkey sign-in');
      assert.equal((await store.passkeys.listByAccount(m.accountId)).length, 1);

      await passkeySignIn(tobira.issuer, config, m.browser, key, { prompt: 'login' });
      const second = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
      const menuCsrf = csrfOf(await menuOf(tobira.issuer, m.browser));
      const options = jsonOf(await postJson(m.browser, `${tobira.issuer}/account/passkeys/options`, {}, menuCsrf)).options as PublicKeyCredentialCreationOptionsJSON;
      const done = await postJson(m.browser, `${tobira.issuer}/account/passkeys/verify`, { response: second.register(options) }, menuCsrf);
      assert.equal(done.status, 200, done.body);
      assert.equal((await store.passkeys.listByAccount(m.accountId)).length, 2);
    });
  });
}
