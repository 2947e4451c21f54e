// Phone change (機種変更) in real Chromium, each phone its own browser context with the DevTools
// virtual authenticator as its biometrics and a push subscription pointing at the Web Push receiver
// on loopback (headless Chromium has no push service: the test stands in for pushManager.subscribe
// and the notification permission only). Codes come from the real SMTP server and SMS hook.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Account, Store } from '../../src/store/types.ts';
import { launchChromium } from '../support/chromium.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';
import { screenshot } from '../support/screenshots.ts';
import { notifyPhoneFor, openOtherWays } from '../support/sign-in-page.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { passkeySignUpFrom } from '../support/browser-signup.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';
import { phoneStandIns, type Phone } from '../support/browser-phone.ts';

for (const kind of FEATURE_STORES) {
  describe(`phone change in real Chromium (${kind} store)`, function () {
    this.timeout(60_000);
    let store: Store;
    let tobira: RunningTobira;
    let sink: SmtpSink;
    let sms: SmsSink;
    let receiver: PushReceiver;
    let browser: Browser;
    let serial = 0;

    before(async () => {
      sink = new SmtpSink();
      sms = new SmsSink();
      receiver = new PushReceiver();
      const [smtp, hook] = await Promise.all([sink.start(), sms.start(), receiver.start()]);
      store = await freshStore(kind);
      tobira = await startTobira({ store, env: { SMTP_URL: smtp, SMS_HOOK_URL: hook, PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUSH_CA_FILE: testTls().caFile } });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await store?.close();
      await Promise.all([sink?.stop(), sms?.stop(), receiver?.stop()]);
    });

    async function newPhone(): Promise<Phone> {
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
      const { token, subscription } = receiver.createSubscription();
      await context.addInitScript(phoneStandIns, { subscription, noAutofill: true });
      const page = await context.newPage();
      page.on('console', (m) => { if (process.env.DEBUG_PAGE) console.log('console:', m.type(), m.text()); });
      page.on('pageerror', (e) => { if (process.env.DEBUG_PAGE) console.log('pageerror:', e.message); });
      return { context, page, authenticator: await addVirtualAuthenticator(context, page), pushToken: token };
    }

    /** The old phone: passwordless sign-up on it, set up for push, contacts verified (set in the store). */
    async function oldPhoneOf(): Promise<{ phone: Phone; account: Account; contactEmail: string; mobile: string }> {
      serial += 1;
      const email = `owner${serial}.${kind}@example.com`;
      const phone = await newPhone();
      const { page } = phone;
      await passkeySignUpFrom(page, `${tobira.issuer}/device`, sink, email, 'Phone Owner');
      await page.getByLabel('Name of this phone').fill('Old phone');
      await page.getByRole('button', { name: 'Set up this phone' }).click();
      await page.getByText('This phone is set up as "Old phone"').waitFor();
      const at = new Date();
      const contactEmail = `contact${serial}.${kind}@example.net`;
      const mobile = `+81901234${String(5600 + serial)}`;
      const created = await store.accounts.findByEmail(email);
      await store.accounts.setContact(created!.id, 'email', { value: contactEmail, verifiedAt: at }, at);
      const account = await store.accounts.setContact(created!.id, 'mobile', { value: mobile, verifiedAt: at }, at);
      return { phone, account: account!, contactEmail, mobile };
    }

    /** On the new phone at /device: name it, set it up, wait until it is ready. */
    async function setUpNewPhone(page: Page, name: string): Promise<void> {
      await page.getByRole('heading', { name: 'Set up this phone' }).waitFor();
      await page.getByLabel('Name of this phone').fill(name);
      await page.getByRole('button', { name: 'Set up this phone' }).click();
      await page.getByText(`This phone is set up as "${name}"`).waitFor();
    }

    /**
     * In the account menu on the new phone: remove the old phone. Every sign-in of the account ends,
     * this phone's too: it signs in again with its passkey and is told what happened.
     */
    async function removeOldPhone(page: Page, account: Account): Promise<void> {
      await page.goto(`${tobira.issuer}/account/phones`);
      // Remove opens a confirmation page saying that every sign-in ends; its button removes.
      await page.getByRole('link', { name: 'Remove: Old phone' }).click();
      await page.getByRole('button', { name: 'Remove the phone and sign out everywhere' }).click();
      await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await page.getByText('The phone was removed with its passkey.').waitFor();
      assert.equal(new URL(page.url()).pathname, '/account');
      const devices = await store.devices.listByAccount(account.id);
      assert.deepEqual(devices.map((d) => d.name), ['New phone']);
    }

    it('through the old phone: the new phone signs in by push with number matching, registers a passkey and is set up; the contacts are told; the old phone is removed', async () => {
      const { phone: old, account, contactEmail, mobile } = await oldPhoneOf();
      const [oldDevice] = await store.devices.listByAccount(account.id);
      const fresh = await newPhone();
      const { page } = fresh;

      await page.goto(`${tobira.issuer}/account/login?next=/device`);
      await openOtherWays(page);
      await page.getByRole('link', { name: 'Got a new phone?' }).click();
      await page.getByRole('heading', { name: 'Approve on your old phone' }).waitFor();
      await screenshot(page, 'phone-change-en');
      await page.getByRole('link', { name: 'Continue to sign in' }).click();

      const pushesBefore = receiver.messages.length;
      await notifyPhoneFor(page, account.email);
      await page.getByText('We notified the phones set up for this address').waitFor();
      const push = await receiver.waitFor((m) => receiver.messages.indexOf(m) >= pushesBefore && m.token === old.pushToken && (m.payload as { type?: string }).type === 'approval');
      const { approvalId } = push.payload as { approvalId: string };
      // The number box is in the page from the start, hidden and empty until the request is answered.
      await page.locator('#push-number').waitFor();
      const number = await page.locator('#push-number').innerText();
      assert.match(number, /^\d{2}$/, 'the new phone is a browser tobira does not trust: it shows a number');

      await old.page.goto(`${tobira.issuer}/device/approve/${approvalId}`);
      await old.page.getByRole('button', { name: number, exact: true }).click();
      await old.page.getByText('Approved.').waitFor();

      const mails = sink.messages.length;
      const texts = sms.messages.length;
      await setUpNewPhone(page, 'New phone');
      const devices = await store.devices.listByAccount(account.id);
      assert.deepEqual(devices.map((d) => d.name), ['Old phone', 'New phone']);
      const credentials = await fresh.authenticator.credentials();
      assert.equal(credentials.length, 1, 'a passkey was made on the new phone');
      assert.equal(devices[1]?.credentialId, Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url'));
      assert.equal((await store.passkeys.listByAccount(account.id)).length, 2);

      for (const address of [account.email, contactEmail]) {
        const notice = await sink.latestTo(address, mails);
        assert.match(notice.subject, /a new phone was set up/);
        assert.match(notice.raw, /New phone/);
      }
      assert.match((await sms.latestTo(mobile, texts)).text, /"New phone" was set up/);

      await removeOldPhone(page, account);
      assert.ok(!(await store.passkeys.listByAccount(account.id)).some((p) => p.credentialId === oldDevice?.credentialId), 'the old phone\'s passkey is gone');
      await Promise.all([old.context.close(), fresh.context.close()]);
    });

    it('through the contact codes: the new phone registers a passkey with the enrolment link, signs in with it and is set up; the contacts are told; the old phone is removed', async () => {
      const { phone: old, account, contactEmail, mobile } = await oldPhoneOf();
      const fresh = await newPhone();
      const { page } = fresh;

      await page.goto(`${tobira.issuer}/phone-change`);
      await page.getByLabel('E-mail address you sign in with').fill(account.email);
      const mails = sink.messages.length;
      const texts = sms.messages.length;
      await page.getByRole('button', { name: 'Send the codes' }).click();
      await page.getByRole('heading', { name: 'Enter the codes' }).waitFor();
      await screenshot(page, 'phone-change-codes-en');
      await page.getByLabel('Code from the e-mail').fill(await sink.codeFor(contactEmail, mails));
      await page.getByLabel('Code from the SMS').fill(await sms.codeFor(mobile, texts));
      // What the browser is told, where it goes, and what it sends from here on.
      const handOver: string[] = [];
      const navigated: string[] = [];
      const sent: { url: string; body: string }[] = [];
      page.on('response', (r) => { if (r.status() === 303 && new URL(r.url()).pathname === '/phone-change/codes') handOver.push(r.headers().location ?? ''); });
      page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigated.push(f.url()); });
      page.on('request', (r) => { sent.push({ url: r.url(), body: r.postData() ?? '' }); });
      await page.getByRole('button', { name: 'Confirm' }).click();

      await page.getByRole('heading', { name: 'Register a passkey on this phone' }).waitFor();
      const register = page.getByRole('button', { name: 'Register a passkey' });
      await page.waitForFunction(() => !(document.getElementById('enrol-button') as HTMLButtonElement).disabled);
      const [enrolmentLink] = handOver;
      assert.match(enrolmentLink ?? '', new RegExp(`^${tobira.issuer}/enrol/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$`), 'the secret is handed over in the fragment only');
      const link = new URL(enrolmentLink!);
      const secret = link.hash.slice(1);
      assert.ok(navigated.includes(link.href), `Chromium kept the fragment through the 303: ${navigated.join(' ')}`);
      assert.equal(page.url(), `${tobira.issuer}${link.pathname}`, 'the page took the secret out of the address bar');
      await screenshot(page, 'enrol-en');

      // Without the fragment (another tab) the page says the link is incomplete, and offers nothing.
      const bare = await fresh.context.newPage();
      await bare.goto(`${tobira.issuer}${link.pathname}`);
      await bare.locator('#passkey-error').filter({ hasText: 'This link is incomplete' }).waitFor();
      assert.equal(await bare.getByRole('button', { name: 'Register a passkey' }).isDisabled(), true);
      await bare.close();

      // A reload (the address bar no longer holds the secret) still works: the tab kept it.
      await page.reload();
      await page.waitForFunction(() => !(document.getElementById('enrol-button') as HTMLButtonElement).disabled);
      const noticesFrom = sink.messages.length;
      const smsFrom = sms.messages.length;
      await register.click();

      // Sign in with the new passkey, then set this phone up (it proves the passkey it holds).
      await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      // The secret went to tobira in the two JSON bodies only, never in a URL; the tab forgot it.
      assert.deepEqual(sent.filter((r) => r.url.includes(secret)), [], 'no request URL holds the secret');
      assert.deepEqual(sent.filter((r) => r.body.includes(secret)).map((r) => new URL(r.url).pathname), [`${link.pathname}/options`, `${link.pathname}/verify`]);
      await setUpNewPhone(page, 'New phone');
      // Two biometric prompts in all (register with the link, sign in with it): the setup takes the
      // registration made on this browser as its proof, and asks for no third ceremony.
      assert.deepEqual(sent.filter((r) => new URL(r.url).pathname === '/device/api/setup/options').map((r) => r.url), [], 'no setup ceremony after the enrolment');
      const setupPosts = sent.filter((r) => new URL(r.url).pathname === '/device/api/setup');
      assert.equal(setupPosts.length, 1);
      assert.equal((JSON.parse(setupPosts[0]!.body) as { enrolled?: boolean; response?: unknown }).enrolled, true);
      assert.equal((JSON.parse(setupPosts[0]!.body) as { response?: unknown }).response, undefined, 'no WebAuthn response was needed');
      // Asked once the sign-in's redirects have settled (the tab's storage outlives them): asking
      // mid-navigation fails on a loaded machine.
      assert.equal(await page.evaluate((key) => window.sessionStorage.getItem(key), `tobira.enrol.${link.pathname.slice('/enrol/'.length)}`), null);
      const passkeys = await store.passkeys.listByAccount(account.id);
      assert.equal(passkeys.length, 2, 'the old phone\'s passkey and the one made with the link, no third');
      const devices = await store.devices.listByAccount(account.id);
      assert.deepEqual(devices.map((d) => d.name), ['Old phone', 'New phone']);
      assert.equal(devices[1]?.credentialId, passkeys[1]?.credentialId, 'the new phone approves with the passkey made with the link');
      assert.equal((await fresh.authenticator.credentials()).length, 1);

      for (const address of [account.email, contactEmail]) {
        await sink.latestTo(address, noticesFrom);
        const subjects = sink.messages.slice(noticesFrom).filter((m) => m.to.includes(address)).map((m) => m.subject);
        assert.ok(subjects.some((s) => /a passkey was added for your new phone/.test(s)), subjects.join(' | '));
        assert.ok(subjects.some((s) => /a new phone was set up/.test(s)), subjects.join(' | '));
      }
      const texts2 = sms.messages.slice(smsFrom).filter((m) => m.to === mobile).map((m) => m.text);
      assert.ok(texts2.some((t) => /passkey for a new phone was added/.test(t)) && texts2.some((t) => /"New phone" was set up/.test(t)), texts2.join(' | '));
      const types = (await store.audit.listByAccount(account.id, 100)).map((e) => e.type);
      for (const type of ['phone_change.codes_sent', 'phone_change.verified', 'enrolment.completed', 'device.added']) assert.ok(types.includes(type), type);

      // The link is used up: opening it again says so.
      await page.goto(link.href);
      assert.equal(await page.locator('[data-code]').getAttribute('data-code'), 'enrolment_link_invalid');

      await removeOldPhone(page, account);
      await Promise.all([old.context.close(), fresh.context.close()]);
    });
  });
}
