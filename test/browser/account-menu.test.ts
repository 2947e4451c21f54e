// The complete account menu in real headless Chromium: a passkey sign-up at a partner, then the
// overview at /account and its section pages, a contact e-mail verified with the code from real
// mail, a contact mobile number with the code from the SMS hook and removed again (in Japanese),
// and a partner disconnected, each removal after a confirmation page that says what ends.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { discover, partnerClient, PARTNER_CALLBACK, redeem, startAuthorization } from '../support/partner.ts';
import { screenshot } from '../support/screenshots.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { passkeySignUpAtPartner } from '../support/browser-signup.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 720 };

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

    it('shows an overview after a passkey sign-up, with a summary line and a link to each section page', async () => {
      const pending = await startAuthorization(config, { scope: 'openid profile email offline_access', prompt: 'consent' });
      await passkeySignUpAtPartner(page, pending.url.href, mail, email, 'Mina Ito');
      assert.ok((await redeem(config, pending, page.url())).refresh_token);

      await page.setViewportSize(PHONE);
      await page.goto(`${tobira.issuer}/account`);
      await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
      const summary = async (section: string): Promise<string> => page.locator(`#overview-${section} .overview-summary`).innerText();
      assert.equal(await summary('passkeys'), 'Registered: 1');
      assert.equal(await summary('phones'), 'None set up yet');
      assert.equal(await summary('services'), 'Partner Shop');
      assert.equal(await summary('contacts'), 'E-mail: Not set · Mobile: Not set');
      assert.match(await summary('history'), /^Last: .+ \(Sign-up \(passkey\)\)$/);
      assert.equal(await summary('profile'), `Mina Ito (${email})`);
      assert.equal(await page.locator('input[name="name"]').count(), 0, 'no rename form on the overview');
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(height < 1_600, `the overview fits in about two phone screens (${height} px)`);
      await screenshot(page, 'account-en');

      await page.getByRole('link', { name: /^Sign-in history/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign-in history' }).waitFor();
      const signIn = page.locator('#history li.sign-in').first();
      assert.equal(await signIn.locator('.sign-in-method').innerText(), 'Sign-up (passkey)');
      assert.equal(await signIn.locator('.sign-in-service').innerText(), 'Partner Shop');
      assert.match(await signIn.locator('.sign-in-browser').innerText(), /^Chrome \d+ on /);
      await page.getByRole('link', { name: 'Back to your account' }).click();
      await page.getByRole('link', { name: /^Profile/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
      assert.equal(await page.locator('#profile-email').innerText(), email);
      assert.equal(await page.locator('#profile-name').innerText(), 'Mina Ito');

      await page.goto(`${tobira.issuer}/account?lang=ja`);
      await page.getByRole('heading', { level: 1, name: 'アカウント' }).waitFor();
      assert.equal(await page.locator('#overview-phones .overview-summary').innerText(), 'まだ設定されていません');
      assert.equal(await page.locator('#overview-contacts .overview-summary').innerText(), 'メール：未設定・携帯電話：未設定');
      await screenshot(page, 'account-ja');
      await page.getByRole('link', { name: /^連携中のサービス/ }).click();
      await page.getByRole('heading', { level: 1, name: '連携中のサービス' }).waitFor();
      assert.equal(await page.locator('#services li.service h2').innerText(), 'Partner Shop');
      await page.goto(`${tobira.issuer}/account?lang=en`);
      await page.setViewportSize(DESKTOP);
    });

    it('adds a contact e-mail and a contact mobile number with their codes', async () => {
      await page.goto(`${tobira.issuer}/account`);
      await page.getByRole('link', { name: /^Contact details/ }).click();
      await page.getByRole('link', { name: 'Add: Contact e-mail' }).click();
      await page.getByLabel('E-mail address').fill(`Mina.Backup.${kind}@Example.net`);
      const since = mail.messages.length;
      await page.getByRole('button', { name: 'Send a code' }).click();
      await page.getByLabel('Code (6 digits)').fill(await mail.codeFor(`mina.backup.${kind}@example.net`, since));
      await page.getByRole('button', { name: 'Verify and save' }).click();
      await page.locator('#notice').waitFor();
      assert.equal(new URL(page.url()).pathname, '/account/contacts');
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

    it('removes the contact mobile number in Japanese after a confirmation page, and says so where the user lands', async () => {
      await page.goto(`${tobira.issuer}/account?lang=ja`);
      await page.getByRole('link', { name: /^連絡先/ }).click();
      await page.getByRole('heading', { level: 1, name: '連絡先' }).waitFor();
      await page.getByRole('link', { name: '削除: 連絡用携帯電話番号' }).click();
      await page.getByRole('heading', { level: 1, name: '連絡用携帯電話番号「090-8765-4321」を削除しますか？' }).waitFor();
      assert.deepEqual(await page.locator('#consequences li').allInnerTexts(), [
        'セキュリティのお知らせはここに届かなくなり、機種変更やスマートフォンを紛失したときの本人確認にも使えなくなります。',
      ]);
      assert.equal((await tobira.store.accounts.findByEmail(email))?.contactMobile?.value, '+819087654321', 'the confirmation page removes nothing');
      // Cancel goes back without removing anything.
      await page.getByRole('link', { name: 'キャンセル' }).last().click();
      await page.getByRole('heading', { level: 1, name: '連絡先' }).waitFor();
      await page.getByRole('link', { name: '削除: 連絡用携帯電話番号' }).click();
      await page.getByRole('button', { name: '削除する' }).click();
      assert.equal(await page.locator('#notice').innerText(), '連絡先を削除しました。');
      assert.equal(new URL(page.url()).pathname, '/account/contacts');
      assert.equal(await page.locator('li[data-contact-kind="mobile"] .contact-value').innerText(), '未設定');
      assert.equal((await tobira.store.accounts.findByEmail(email))?.contactMobile, null);
      await page.goto(`${tobira.issuer}/account?lang=en`);
    });

    it('disconnects the partner service after a confirmation page that says exactly what ends', async () => {
      await page.setViewportSize(PHONE);
      await page.goto(`${tobira.issuer}/account`);
      await page.getByRole('link', { name: /^Connected services/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Connected services' }).waitFor();
      await page.getByRole('link', { name: 'Disconnect: Partner Shop' }).click();
      await page.getByRole('heading', { level: 1, name: 'Disconnect Partner Shop?' }).waitFor();
      assert.deepEqual(await page.locator('#consequences li').allInnerTexts(), [
        'Partner Shop loses access: the tokens it holds end, and it can no longer get: Your name, Your e-mail address, Keep access while you are signed out.',
        'The next time you sign in to Partner Shop, it asks for your permission again.',
        'Your tobira sign-ins and your other services stay as they are.',
      ]);
      await screenshot(page, 'account-confirm-en');
      const account = await tobira.store.accounts.findByEmail(email);
      const partnerGrants = async (): Promise<number> => (await tobira.store.oidc('Grant').listByAccountId(account!.id)).filter((g) => g.payload.clientId === 'partner-web').length;
      assert.equal(await partnerGrants(), 1, 'the confirmation page disconnects nothing');
      await page.getByRole('button', { name: 'Disconnect' }).click();
      assert.equal(await page.locator('#notice').innerText(), 'The service was disconnected. Its tokens ended, and it will ask for your permission again.');
      assert.equal(new URL(page.url()).pathname, '/account/services');
      // `autofocus` is applied at the page's next rendering step, not at once on load: wait for it.
      const focused = await page.waitForFunction(() => document.activeElement?.id === 'notice', undefined, { timeout: 5_000 }).then(() => 'notice', () => page.evaluate(() => document.activeElement?.id));
      assert.equal(focused, 'notice', 'the notice has the focus, so a screen reader reads it first');
      await page.locator('#no-services').waitFor();
      assert.equal(await partnerGrants(), 0);
      await page.setViewportSize(DESKTOP);
    });
  });
}
