// The complete account menu in real headless Chromium: a passkey sign-up at a partner, then every
// section of /account, a contact e-mail verified with the code from real mail, a contact mobile
// number with the code from the SMS hook, and a partner disconnected.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { discover, partnerClient, PARTNER_CALLBACK, redeem, startAuthorization } from '../support/partner.ts';
import { screenshot } from '../support/screenshots.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';

for (const kind of FEATURE_STORES) {
  describe(`the account menu in real Chromium (${kind} store)`, function () {
    this.timeout(60_000);
    const email = `menu.${kind}@example.com`;
    let tobira: RunningTobira;
    let mail: SmtpSink;
    let sms: SmsSink;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let config: oidc.Configuration;

    before(async () => {
      mail = new SmtpSink();
      sms = new SmsSink();
      const [smtpUrl, hookUrl] = await Promise.all([mail.start(), sms.start()]);
      tobira = await startTobira({ store: kind, clients: [partnerClient()], env: { SMTP_URL: smtpUrl, SMS_HOOK_URL: hookUrl } });
      config = await discover(tobira.issuer);
      browser = await launchChromium();
      context = await browser.newContext({ locale: 'en-US' });
      await context.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner callback' }));
      page = await context.newPage();
      // Autofill off: the virtual authenticator would answer the sign-up page's conditional request.
      await context.addInitScript(() => {
        const pkc = window.PublicKeyCredential as unknown as { isConditionalMediationAvailable?: () => Promise<boolean> } | undefined;
        if (pkc) pkc.isConditionalMediationAvailable = () => Promise.resolve(false);
      });
      await addVirtualAuthenticator(context, page);
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await Promise.all([mail?.stop(), sms?.stop()]);
    });

    it('shows every section after a passkey sign-up, with the sign-up and the partner in it', async () => {
      const pending = await startAuthorization(config, { scope: 'openid profile email offline_access', prompt: 'consent' });
      await page.goto(pending.url.href);
      await page.getByRole('link', { name: 'Create one' }).click();
      await page.getByLabel('E-mail address').fill(email);
      const since = mail.messages.length;
      await page.getByRole('button', { name: 'Send the code' }).click();
      await page.getByLabel('Verification code').fill(await mail.codeFor(email, since));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByLabel('Name (shown to services)').fill('Mina Ito');
      await page.getByRole('button', { name: 'Create passkey and sign up' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${PARTNER_CALLBACK}**`);
      assert.ok((await redeem(config, pending, page.url())).refresh_token);

      await page.goto(`${tobira.issuer}/account`);
      for (const heading of ['Profile', 'Passkeys', 'Phones (passkey devices)', 'Always passkey', 'Trusted browsers', 'Contact details', 'Connected services', 'Sign-in history']) {
        assert.ok(await page.getByRole('heading', { name: heading, exact: true }).isVisible(), heading);
      }
      assert.equal(await page.locator('#profile-email').innerText(), email);
      assert.equal(await page.locator('#profile-name').innerText(), 'Mina Ito');
      assert.equal(await page.locator('#services li.service strong').innerText(), 'Partner Shop');
      const signIn = page.locator('#history li.sign-in').first();
      assert.equal(await signIn.locator('.sign-in-method').innerText(), 'Sign-up (passkey)');
      assert.equal(await signIn.locator('.sign-in-service').innerText(), 'Partner Shop');
      assert.match(await signIn.locator('.sign-in-browser').innerText(), /^Chrome \d+ on /);
      await screenshot(page, 'account-en');
      await page.goto(`${tobira.issuer}/account?lang=ja`);
      for (const heading of ['プロフィール', '連絡先', '連携中のサービス', 'ログイン履歴']) {
        assert.ok(await page.getByRole('heading', { name: heading, exact: true }).isVisible(), heading);
      }
      await screenshot(page, 'account-ja');
      await page.goto(`${tobira.issuer}/account?lang=en`);
    });

    it('adds a contact e-mail and a contact mobile number with their codes', async () => {
      await page.goto(`${tobira.issuer}/account`);
      await page.getByRole('link', { name: 'Add: Contact e-mail' }).click();
      await page.getByLabel('E-mail address').fill(`Mina.Backup.${kind}@Example.net`);
      const since = mail.messages.length;
      await page.getByRole('button', { name: 'Send a code' }).click();
      await page.getByLabel('Code (6 digits)').fill(await mail.codeFor(`mina.backup.${kind}@example.net`, since));
      await page.getByRole('button', { name: 'Verify and save' }).click();
      await page.locator('#notice').waitFor();
      assert.equal(await page.locator('li[data-contact-kind="email"] .contact-value').innerText(), `mina.backup.${kind}@example.net`);

      await page.getByRole('link', { name: 'Add: Contact mobile number' }).click();
      await page.getByLabel('Mobile number').fill('03-1234-5678');
      await page.getByRole('button', { name: 'Send a code' }).click();
      assert.match(await page.locator('#form-error').innerText(), /not a mobile number/);
      await page.getByLabel('Mobile number').fill('090 8765 4321');
      const texts = sms.messages.length;
      await page.getByRole('button', { name: 'Send a code' }).click();
      await screenshot(page, 'contact-code-en');
      await page.getByLabel('Code (6 digits)').fill(await sms.codeFor('+819087654321', texts));
      await page.getByRole('button', { name: 'Verify and save' }).click();
      await page.locator('#notice').waitFor();
      assert.equal(await page.locator('li[data-contact-kind="mobile"] .contact-value').innerText(), '090-8765-4321');
      const account = await tobira.store.accounts.findByEmail(email);
      assert.equal(account?.contactMobile?.value, '+819087654321');
    });

    it('disconnects the partner service', async () => {
      await page.goto(`${tobira.issuer}/account`);
      await page.getByRole('button', { name: 'Disconnect: Partner Shop' }).click();
      await page.locator('#no-services').waitFor();
      const account = await tobira.store.accounts.findByEmail(email);
      const grants = await tobira.store.oidc('Grant').listByAccountId(account!.id);
      assert.deepEqual(grants.filter((g) => g.payload.clientId === 'partner-web'), []);
    });
  });
}
