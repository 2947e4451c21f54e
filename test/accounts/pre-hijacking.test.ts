// Issue 10 row 4b: account pre-hijacking. A stranger signed up someone else's address with a
// password before sign-ups proved their address (an account stored with emailVerified false), and
// added a passkey, a phone, a trusted browser, contacts and a partner service. The owner's password
// reset proves the address: none of it survives, the stranger signs in no more, and the owner is told.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { addPasskey, member, messageMatching, passkeySignIn, passwordSignIn } from '../support/account-menu.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, partnerClient, PASSWORD, redeem, startAuthorization } from '../support/partner.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';
import { hashPassword } from '../../src/accounts/password-hasher.ts';

const OWNER_PASSWORD = 'umi-sora-hoshi 8841 kaze';

for (const kind of FEATURE_STORES) {
  describe(`a password reset proves the address and removes what a stranger added before (${kind} store)`, () => {
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;
    let sink: SmtpSink;

    before(async () => {
      sink = new SmtpSink();
      const smtp = await sink.start();
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient({ grant_types: ['authorization_code', 'refresh_token'] })], env: { SMTP_URL: smtp } });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await sink.stop();
    });

    async function reset(email: string, password: string): Promise<void> {
      const browser = new HttpBrowser();
      const since = sink.messages.length;
      const form = await browser.follow(`${tobira.issuer}/password-reset`);
      const codePage = await browser.submit(form, '/password-reset', { email });
      const mail = await messageMatching(sink.messages, email, (m) => /password reset code: \d{6}/.test(m.subject), since);
      const code = /(\d{6})/.exec(mail.subject)?.[1] ?? '';
      const done = await browser.submit(codePage, '/password-reset/code', { code, password });
      assert.equal(done.status, 200, done.body.slice(0, 500));
    }

    it('removes every passkey, phone, trusted browser, contact and partner grant, and the stranger is out', async () => {
      const victim = `victim.${kind}@example.com`;
      // The stranger's account, as a password sign-up made before this change stored it.
      const planted = await store.accounts.create({ email: victim, emailVerified: false, name: 'Mallory', passwordHash: await hashPassword(PASSWORD) });
      const stranger = new HttpBrowser();
      const signedIn = await passwordSignIn(config, stranger, victim, PASSWORD, { scope: 'openid offline_access', prompt: 'consent' });
      const consent = signedIn.url.startsWith(PARTNER_CALLBACK) ? signedIn : await stranger.submit(signedIn, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      assert.ok(consent.url.startsWith(PARTNER_CALLBACK), consent.url);
      assert.equal((await stranger.follow(`${tobira.issuer}/account`)).status, 200);
      const key = await addPasskey(tobira.issuer, stranger);
      // A passkey sign-in trusts the stranger's browser.
      await passkeySignIn(tobira.issuer, config, stranger, key, { prompt: 'login' });
      const [passkey] = await store.passkeys.listByAccount(planted.id);
      assert.ok(passkey);
      const at = new Date();
      await store.devices.add({ id: 'P'.repeat(22), accountId: planted.id, credentialId: passkey.credentialId, subscription: { endpoint: 'https://127.0.0.1/push', keys: { p256dh: 'p', auth: 'a' } }, name: 'Mallory phone', lang: 'ja', createdAt: at, lastSeenAt: at });
      await store.accounts.setContact(planted.id, 'email', { value: 'mallory@example.net', verifiedAt: at }, at);
      await store.accounts.setContact(planted.id, 'mobile', { value: '+819000000000', verifiedAt: at }, at);
      assert.ok((await store.trustedBrowsers.listByAccount(planted.id)).length > 0, 'the stranger\'s browser is trusted');
      assert.ok((await store.oidc('Grant').listByAccountId(planted.id)).length > 0, 'a partner grant exists');

      const since = sink.messages.length;
      await reset(victim, OWNER_PASSWORD);

      const account = await store.accounts.findById(planted.id);
      assert.equal(account?.emailVerified, true, 'the address is proven now');
      assert.deepEqual(await store.passkeys.listByAccount(planted.id), []);
      assert.deepEqual(await store.devices.listByAccount(planted.id), []);
      assert.deepEqual(await store.trustedBrowsers.listByAccount(planted.id), []);
      assert.deepEqual(await store.oidc('Grant').listByAccountId(planted.id), []);
      assert.equal(account?.contactEmail, null);
      assert.equal(account?.contactMobile, null);

      // The stranger: the passkey, the password and the session are all gone.
      const byPasskey = new HttpBrowser();
      await assert.rejects(passkeySignIn(tobira.issuer, config, byPasskey, key), /unknown_passkey/);
      const byPassword = await passwordSignIn(config, new HttpBrowser(), victim, PASSWORD);
      assert.equal(byPassword.status, 401);
      const menu = await stranger.request(`${tobira.issuer}/account`);
      assert.equal(menu.status, 303, 'the stranger\'s session ended');

      // The owner is told at the proven address only; the stranger's contacts hear nothing.
      const notice = await sink.latestTo(victim, since);
      assert.ok(sink.messages.slice(since).some((m) => m.to.includes(victim) && m.subject === 'tobira: your e-mail address is confirmed'), notice.subject);
      assert.ok(!sink.messages.slice(since).some((m) => m.to.includes('mallory@example.net')));
      const events = await store.audit.listByAccount(planted.id, 100);
      assert.ok(events.some((e) => e.type === 'account.email_proven'));
      assert.ok(events.some((e) => e.type === 'passkey.deleted' && e.details.reason === 'address_proven'));

      // The owner signs in with the new password; partners now see a verified address.
      const owner = new HttpBrowser();
      const ownerPending = await startAuthorization(config);
      let page = await owner.submit(await owner.follow(ownerPending.url.href), '/password', { email: victim, password: OWNER_PASSWORD }, PARTNER_CALLBACK);
      if (!page.url.startsWith(PARTNER_CALLBACK)) page = await owner.submit(page, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      const tokens = await redeem(config, ownerPending, page.url);
      assert.equal((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email_verified, true);
    });

    it('a proven account keeps its passkeys through a reset', async () => {
      const m = await member(tobira.issuer, config, `proven.${kind}@example.com`);
      await addPasskey(tobira.issuer, m.browser);
      await reset(m.email, OWNER_PASSWORD);
      assert.equal((await store.passkeys.listByAccount(m.accountId)).length, 1);
      assert.equal((await store.accounts.findById(m.accountId))?.emailVerified, true);
    });
  });
}
