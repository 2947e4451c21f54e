// Phone setup from a signed-in PC (パスキー端末設定 by hand-off), in real Chromium with two browser
// contexts: a PC that signed up with its own passkey (a DevTools virtual authenticator), and a phone
// with another virtual authenticator that has never signed in. The PC shows a QR code and a short
// code; the phone opens the QR code's link, registers its own passkey and its Web Push
// subscription (to the tests' loopback push receiver) in one guided flow, and the PC's page says by
// itself that the phone is ready. Then the phone approves a sign-in by a real, encrypted push.
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { phoneStandIns } from '../support/browser-phone.ts';
import { passkeySignUpInBrowser } from '../support/browser-signup.ts';
import { launchChromium } from '../support/chromium.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';
import { screenshot } from '../support/screenshots.ts';
import { notifyPhoneFor, openOtherWays } from '../support/sign-in-page.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';
import { pages as ja } from '../../src/i18n/ja/pages.ts';
import { pages as en } from '../../src/i18n/en/pages.ts';
import { errors as jaErrors } from '../../src/i18n/ja/errors.ts';
import { errors as enErrors } from '../../src/i18n/en/errors.ts';
import type { Store } from '../../src/store/types.ts';

const LANGS = [
  { lang: 'ja', locale: 'ja-JP', text: ja, errorText: jaErrors },
  { lang: 'en', locale: 'en-US', text: en, errorText: enErrors },
] as const;

const TTL_SECONDS = 300;

for (const kind of FEATURE_STORES) {
  describe(`phone setup from a signed-in PC in real Chromium (${kind} store)`, function () {
    this.timeout(90_000);
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let sink: SmtpSink;
    let receiver: PushReceiver;
    let browser: Browser;

    before(async () => {
      sink = new SmtpSink();
      receiver = new PushReceiver();
      const [smtp] = await Promise.all([sink.start(), receiver.start()]);
      store = await freshStore(kind, { now: () => Date.now() + offset });
      tobira = await startTobira({
        store,
        env: { SMTP_URL: smtp, PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUSH_CA_FILE: testTls().caFile, PHONE_SETUP_HANDOFF_TTL: String(TTL_SECONDS) },
        now: () => Date.now() + offset,
      });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await store?.close();
      await Promise.all([sink?.stop(), receiver?.stop()]);
    });
    afterEach(() => {
      offset = 0;
    });

    async function pcSignedUp(locale: string, email: string): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser.newContext({ locale });
      await context.addInitScript(phoneStandIns, { subscription: null, noAutofill: true });
      const page = await context.newPage();
      await addVirtualAuthenticator(context, page);
      await passkeySignUpInBrowser(page, tobira.issuer, sink, email, 'PC User');
      return { context, page };
    }

    async function newPhone(locale: string): Promise<{ context: BrowserContext; page: Page; pushToken: string }> {
      const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
      const { token, subscription } = receiver.createSubscription();
      await context.addInitScript(phoneStandIns, { subscription, noAutofill: true });
      const page = await context.newPage();
      page.on('console', (m) => { if (process.env.DEBUG_PAGE) console.log('phone console:', m.type(), m.text()); });
      page.on('pageerror', (e) => { if (process.env.DEBUG_PAGE) console.log('phone pageerror:', e.message); });
      await addVirtualAuthenticator(context, page);
      return { context, page, pushToken: token };
    }

    /** On the PC's account menu: press the phone setup button; the code as shown. */
    async function pcShowsCode(pc: Page): Promise<string> {
      await pc.goto(`${tobira.issuer}/account`);
      await pc.locator('#phone-setup-button').click();
      const code = await pc.locator('#handoff-code').innerText();
      assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      return code;
    }

    for (const { lang, locale, text, errorText } of LANGS) {
      it(`${lang}: a PC-only account sets up a phone by QR code; the PC page says when it is ready; the phone then approves a sign-in by push`, async () => {
        const email = `chris.${lang}.${kind}@example.com`;
        const pc = await pcSignedUp(locale, email);
        const account = (await store.accounts.findByEmail(email))!;
        assert.equal((await store.devices.listByAccount(account.id)).length, 0, 'no phone yet');

        const code = await pcShowsCode(pc.page);
        // The QR code is the short link with the code after '#' (never sent to the server).
        const qrLink = `${tobira.issuer}/p#${code}`;
        const expectedQr = await QRCode.toString(qrLink, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
        const modules = (svg: string): string | undefined => /stroke="#000000" d="([^"]+)"/.exec(svg)?.[1];
        assert.ok(modules(expectedQr));
        assert.equal(modules(await pc.page.locator('#handoff-qr').innerHTML()), modules(expectedQr));
        assert.equal(await pc.page.locator('#handoff-link').innerText(), `${tobira.issuer}/p`);
        assert.equal(await pc.page.locator('#handoff-status').innerText(), text['handoff.status_waiting']);
        await screenshot(pc.page, `phone-setup-pc-${lang}`);
        const stored = await store.audit.listByAccount(account.id, 50);
        assert.ok(stored.some((e) => e.type === 'phone_handoff.started'));
        assert.ok(!JSON.stringify(stored).includes(code.replace('-', '')), 'the code is in no audit entry');

        const phone = await newPhone(locale);
        const requests: string[] = [];
        phone.page.on('request', (r) => requests.push(r.url()));
        await phone.page.goto(qrLink);
        assert.equal(await phone.page.locator('#code').inputValue(), code, 'the code came from the link');
        assert.equal(new URL(phone.page.url()).hash, '', 'and left the address bar');
        await phone.page.locator('#handoff-continue').click();
        await phone.page.waitForURL(`${tobira.issuer}/p/setup`);
        assert.ok(requests.every((url) => !url.includes(code) && !url.includes(code.replace('-', ''))), 'no request URL holds the code');
        await pc.page.locator('#handoff-status').filter({ hasText: text['handoff.status_claimed'] }).waitFor();

        assert.ok((await phone.page.locator('main').innerText()).includes(email), 'the phone says which account it is setting up');
        await screenshot(phone.page, `phone-setup-phone-${lang}`);
        const mailsBefore = sink.messages.length;
        await phone.page.locator('#device-name').fill('Pixel');
        await phone.page.locator('#setup-button').click();
        // Then the phone signs in with the passkey it just made, and /device shows it ready.
        await phone.page.locator('#passkey-button').click();
        await phone.page.locator('#device-ready').waitFor();
        assert.ok((await phone.page.locator('#device-ready').innerText()).includes('Pixel'));

        // The PC's page said so by itself, and took the code off the screen.
        await pc.page.locator('#handoff-status').filter({ hasText: text['handoff.status_completed'].replace('{name}', 'Pixel') }).waitFor();
        assert.equal(await pc.page.locator('#handoff-code-box').isVisible(), false);

        const [device] = await store.devices.listByAccount(account.id);
        const passkeys = await store.passkeys.listByAccount(account.id);
        assert.equal(device?.name, 'Pixel');
        assert.equal(passkeys.length, 2, 'the PC\'s passkey and the phone\'s own');
        assert.equal(device?.credentialId, passkeys[1]?.credentialId, 'the phone approves with the passkey made on it');
        assert.match(device?.subscription.endpoint ?? '', new RegExp(`/push/${phone.pushToken}$`));
        const types = (await store.audit.listByAccount(account.id, 50)).map((e) => e.type);
        for (const type of ['phone_handoff.started', 'phone_handoff.claimed', 'enrolment.completed', 'device.added', 'phone_handoff.completed']) assert.ok(types.includes(type), type);
        // The account's addresses are told, as after every new phone.
        const notice = await sink.latestTo(email, mailsBefore);
        assert.ok(notice, 'a notice went to the sign-in address');

        // The phone is a real approver now: a sign-in from another browser reaches it by Web Push.
        const other = await browser.newContext({ locale });
        const otherPage = await other.newPage();
        const pushesBefore = receiver.messages.length;
        await otherPage.goto(`${tobira.issuer}/account/login`);
        await notifyPhoneFor(otherPage, email);
        const push = await receiver.waitFor((m) => receiver.messages.indexOf(m) >= pushesBefore && m.token === phone.pushToken && (m.payload as { type?: string }).type === 'approval');
        assert.ok(push, 'the push went to the phone\'s own subscription');

        // A screenshot of the QR code after use opens nothing: a clear page in the page's language.
        const thief = await newPhone(locale);
        await thief.page.goto(qrLink);
        await thief.page.locator('#handoff-continue').click();
        await thief.page.locator('[data-code="phone_handoff_invalid"]').filter({ hasText: errorText.phone_handoff_invalid }).waitFor();
        assert.equal(await thief.page.locator('html').getAttribute('lang'), lang);
        assert.equal((await store.devices.listByAccount(account.id)).length, 1);
        await Promise.all([pc.context.close(), phone.context.close(), thief.context.close(), other.close()]);
      });
    }

    it('en: an expired code opens nothing, and the PC page offers a new one; a mistyped code gets the same clear answer', async () => {
      const email = `late.${kind}@example.com`;
      const pc = await pcSignedUp('en-US', email);
      const code = await pcShowsCode(pc.page);
      const status = await pc.page.request.get(`${tobira.issuer}/account/phone-setup/${await pc.page.locator('#handoff').getAttribute('data-id')}/status`);
      assert.equal(status.headers()['cache-control'], 'no-store');
      assert.deepEqual(await status.json(), { state: 'waiting', deviceName: null });

      const phone = await newPhone('en-US');
      await phone.page.goto(`${tobira.issuer}/p`);
      await phone.page.locator('#code').fill('BCDF-GHJX');
      await phone.page.locator('#handoff-continue').click();
      await phone.page.locator('[data-code="phone_handoff_invalid"]').waitFor();

      offset = TTL_SECONDS * 1000;
      await pc.page.locator('#handoff-status').filter({ hasText: en['handoff.status_expired'] }).waitFor();
      assert.ok(await pc.page.getByRole('button', { name: en['handoff.show_new_code'] }).isVisible());
      await phone.page.goto(`${tobira.issuer}/p#${code}`);
      await phone.page.locator('#handoff-continue').click();
      await phone.page.locator('[data-code="phone_handoff_invalid"]').filter({ hasText: enErrors.phone_handoff_invalid }).waitFor();
      const account = (await store.accounts.findByEmail(email))!;
      assert.equal((await store.devices.listByAccount(account.id)).length, 0);
      await Promise.all([pc.context.close(), phone.context.close()]);
    });

    it('en: the code is bound to the PC\'s session: signed out on the PC, the code opens nothing', async () => {
      const email = `signout.${kind}@example.com`;
      const pc = await pcSignedUp('en-US', email);
      const code = await pcShowsCode(pc.page);
      await pc.page.goto(`${tobira.issuer}/session/end`);
      await pc.page.locator('button[type=submit]').first().click();
      await pc.page.waitForLoadState();
      const phone = await newPhone('en-US');
      await phone.page.goto(`${tobira.issuer}/p#${code}`);
      await phone.page.locator('#handoff-continue').click();
      await phone.page.locator('[data-code="phone_handoff_invalid"]').waitFor();
      await Promise.all([pc.context.close(), phone.context.close()]);
    });

    it('en: showing a code needs a recent sign-in on the PC: an older one signs in again first, then comes back', async () => {
      const email = `stale.${kind}@example.com`;
      const pc = await pcSignedUp('en-US', email);
      await pc.page.goto(`${tobira.issuer}/account`);
      offset = 301_000;
      await pc.page.locator('#phone-setup-button').click();
      await pc.page.waitForURL(/\/interaction\//);
      // Signing in again makes a new sign-in by the provider's (real) clock; tobira's is set back too.
      offset = 0;
      await pc.page.locator('#passkey-button').click();
      await pc.page.waitForURL(`${tobira.issuer}/account/phone-setup`);
      await pc.page.getByRole('button', { name: en['handoff.show_code'] }).click();
      await pc.page.locator('#handoff-code').waitFor();
      await pc.context.close();
    });

    it('ja: /device and the sign-in page lead a phone that cannot sign in to the code page', async () => {
      const phone = await newPhone('ja-JP');
      await phone.page.goto(`${tobira.issuer}/device`);
      await openOtherWays(phone.page);
      await phone.page.locator('#phone-setup-link').click();
      await phone.page.waitForURL(`${tobira.issuer}/p`);
      assert.equal(await phone.page.locator('h1').innerText(), ja['handoff.phone_title']);
      await phone.context.close();
    });
  });
}
