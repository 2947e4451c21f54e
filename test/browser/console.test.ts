// The operator console in real Chromium: an operator who signed up with a passkey (virtual
// authenticator) is made the first admin with the bootstrap token, signs in to /console with the
// passkey, creates a partner there, and openid-client signs in to that partner at once (no
// restart); the operator disables it and the next sign-in is refused; a personal token is created
// and shown once. A signed-in account without a role gets the refusal page.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { passkeySignUpAtPartner } from '../support/browser-signup.ts';
import { launchChromium } from '../support/chromium.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { adminCall, ADMIN_TOKEN } from '../support/recovery-harness.ts';
import { screenshot } from '../support/screenshots.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';

const DESKTOP = { width: 1280, height: 800 };

for (const kind of FEATURE_STORES) {
  describe(`the operator console in real Chromium (${kind} store)`, function () {
    this.timeout(90_000);
    const email = `console-admin.${kind}@example.com`;
    let tobira: RunningTobira;
    let mail: SmtpSink;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let config: oidc.Configuration;
    let partnerSecret = '';

    before(async () => {
      mail = new SmtpSink();
      tobira = await startTobira({ store: kind, clients: [partnerClient()], env: { SMTP_URL: await mail.start(), ADMIN_TOKEN } });
      config = await discover(tobira.issuer);
      browser = await launchChromium();
      context = await browser.newContext({ locale: 'en-US', viewport: DESKTOP });
      await context.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner callback' }));
      page = await context.newPage();
      await context.addInitScript(() => {
        const pkc = window.PublicKeyCredential as unknown as { isConditionalMediationAvailable?: () => Promise<boolean> } | undefined;
        if (pkc) pkc.isConditionalMediationAvailable = () => Promise.resolve(false);
      });
      await addVirtualAuthenticator(context, page);
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await mail?.stop();
    });

    it('refuses a signed-in account without a role, then lets it in with a passkey once it is the first admin', async () => {
      // A passkey sign-up at the partner: the operator's own tobira account.
      await passkeySignUpAtPartner(page, (await startAuthorization(config)).url.href, mail, email, 'Aoi Operator');

      await page.goto(`${tobira.issuer}/console`);
      await page.getByRole('heading', { level: 1, name: 'You cannot use the console' }).waitFor();
      assert.match(await page.locator('#console-refused').innerText(), new RegExp(email.replace(/\./g, '\\.')));
      await screenshot(page, 'console-refused-en');

      const granted = await adminCall(tobira.issuer, 'POST', '/admin/api/operators', { body: { email, role: 'admin' } });
      assert.equal(granted.status, 200, JSON.stringify(granted.json));

      // Signed out, the console asks for a new sign-in with a passkey, and says why.
      await page.goto(`${tobira.issuer}/session/end`);
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.goto(`${tobira.issuer}/console`);
      await screenshot(page, 'console-signin-en');
      await page.locator('#reauth-reason[data-reason="console"]').waitFor();
      await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await page.getByRole('heading', { level: 1, name: 'Console' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/console');
      assert.match(await page.locator('#console-who').innerText(), /Admin/);
      assert.deepEqual(await page.locator('#console-nav a').allInnerTexts(), ['Home', 'User accounts', 'Recovery requests', 'Audit log', 'Partners', 'Operators', 'Personal tokens', 'Signing keys', 'Sign out']);
      await screenshot(page, 'console-en');
      await page.goto(`${tobira.issuer}/console?lang=ja`);
      await page.getByRole('heading', { level: 1, name: 'コンソール' }).waitFor();
      await screenshot(page, 'console-ja');
      await page.goto(`${tobira.issuer}/console?lang=en`);
    });

    it('creates a partner; openid-client signs in to it without a restart', async () => {
      await page.getByRole('link', { name: 'Partners' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Partners' }).waitFor();
      await page.getByRole('link', { name: 'Add a partner' }).click();
      // A refusal first: oidc-provider's own rule, shown on its field.
      await page.getByLabel('client_id').fill('console-shop');
      await page.getByLabel('Name').fill('Console Shop');
      await page.getByLabel('Redirect URIs (one per line)').fill('not a url');
      await page.getByRole('button', { name: 'Create' }).click();
      await page.locator('#redirect_uris-error').waitFor();
      assert.equal(await page.locator('#redirect_uris').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#redirect_uris').getAttribute('aria-describedby'), 'redirect_uris-error');
      assert.equal(await page.locator('#client_id').inputValue(), 'console-shop', 'what was typed is kept');
      assert.equal(await tobira.store.clients.find('console-shop'), undefined, 'nothing stored');
      await screenshot(page, 'console-partner-form-en');

      await page.getByLabel('Redirect URIs (one per line)').fill(PARTNER_CALLBACK);
      await page.getByRole('button', { name: 'Create' }).click();
      await page.locator('#created-secret').waitFor();
      partnerSecret = await page.locator('#created-secret').innerText();
      assert.match(partnerSecret, /^\S{32,}$/);
      await screenshot(page, 'console-partner-secret-en');

      const partner = await discover(tobira.issuer, 'console-shop', partnerSecret);
      const user = new HttpBrowser();
      const pending = await startAuthorization(partner);
      const callback = await signUpAndConsent(user, pending, `console-shop-user.${kind}@example.com`);
      const tokens = await redeem(partner, pending, callback.url);
      assert.ok(tokens.claims()?.sub, 'signed in to the partner made in the console');
      const created = (await tobira.store.audit.list({ type: 'client.created', limit: 1 }))[0];
      const account = await tobira.store.accounts.findByEmail(email);
      assert.equal(created?.actor, `operator:${account?.id}:${email}`);
    });

    it('disables the partner; the next sign-in is refused', async () => {
      await page.getByRole('link', { name: 'Back to the partners' }).click();
      await page.locator('#partner-details').waitFor();
      await page.getByRole('link', { name: 'Disable' }).click();
      assert.match(await page.locator('#confirm-message').innerText(), /Console Shop/);
      await page.getByRole('button', { name: 'Disable' }).click();
      await page.locator('#notice').waitFor();
      assert.equal(await page.locator('#partner-details').getAttribute('data-status'), 'disabled');
      await screenshot(page, 'console-partner-en');

      const partner = await discover(tobira.issuer, 'console-shop', partnerSecret);
      const pending = await startAuthorization(partner);
      const refused = await new HttpBrowser().follow(pending.url.href);
      assert.equal(refused.status, 400);
      assert.match(refused.body, /not registered with tobira|set up wrongly/);
      await assert.rejects(oidc.clientCredentialsGrant(partner), 'the token endpoint refuses it too');

      await page.getByRole('link', { name: 'Partners' }).first().click();
      assert.equal(await page.locator('tr[data-client-id="console-shop"]').getAttribute('data-status'), 'disabled');
      await screenshot(page, 'console-partners-en');
    });

    it('creates a personal token, shown once, that the operator API accepts', async () => {
      await page.getByRole('link', { name: 'Personal tokens' }).first().click();
      await page.getByLabel('Name').fill('nightly report');
      await page.getByRole('checkbox', { name: 'audit' }).check();
      await page.getByRole('button', { name: 'Create token' }).click();
      const token = await page.locator('#created-token').innerText();
      assert.match(token, /^tobira_op_/);
      assert.equal(await page.locator('tr[data-state="active"]').count(), 1);
      await screenshot(page, 'console-tokens-en');
      await page.goto(`${tobira.issuer}/console/tokens`);
      assert.equal(await page.locator('#created-token').count(), 0, 'shown once');
      assert.equal(await page.locator('tr[data-state="active"]').count(), 1);
      const answer = await adminCall(tobira.issuer, 'GET', '/admin/api/clients', { token });
      assert.equal(answer.status, 403, 'a token scoped to audit does not reach the partners');
      assert.equal(answer.json.error, 'operator_forbidden');
      await page.getByRole('link', { name: 'Operators' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Operators' }).waitFor();
      await screenshot(page, 'console-operators-en');
    });
  });
}
