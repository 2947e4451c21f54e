// The console's user accounts, audit log and recovery queue in real Chromium: an operator (a
// passkey account given the `operator` role) signs in to /console with the passkey, looks a user
// account up by its e-mail address and views it (audited with the operator's account), disables it
// with a reason (the page says what ended), and the user's next sign-in with the right password is
// refused; the audit log page finds the disabling; a recovery started for the account is decided in
// the recovery queue.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { passkeySignUpAtPartner } from '../support/browser-signup.ts';
import { launchChromium } from '../support/chromium.ts';
import { errorCodeOf, HttpBrowser, type Page as HttpPage } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PASSWORD, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { adminCall, ADMIN_TOKEN } from '../support/recovery-harness.ts';
import { screenshot } from '../support/screenshots.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';

const DESKTOP = { width: 1280, height: 800 };

for (const kind of FEATURE_STORES) {
  describe(`the console's user accounts, audit log and recovery queue in real Chromium (${kind} store)`, function () {
    this.timeout(90_000);
    const operatorEmail = `console-operator.${kind}@example.com`;
    const userEmail = `console-user.${kind}@example.com`;
    let tobira: RunningTobira;
    let mail: SmtpSink;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let config: oidc.Configuration;
    let operatorActor = '';
    let userId = '';

    before(async () => {
      mail = new SmtpSink();
      tobira = await startTobira({ store: kind, clients: [partnerClient()], env: { SMTP_URL: await mail.start(), ADMIN_TOKEN } });
      config = await discover(tobira.issuer);
      browser = await launchChromium();
      context = await browser.newContext({ locale: 'en-US', viewport: DESKTOP });
      await context.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner callback' }));
      await context.addInitScript(() => {
        const pkc = window.PublicKeyCredential as unknown as { isConditionalMediationAvailable?: () => Promise<boolean> } | undefined;
        if (pkc) pkc.isConditionalMediationAvailable = () => Promise.resolve(false);
      });
      page = await context.newPage();
      await addVirtualAuthenticator(context, page);
      // The user whose account the operator will look at: a password sign-up at the partner.
      const user = new HttpBrowser();
      const pending = await startAuthorization(config);
      assert.ok((await signUpAndConsent(user, pending, userEmail)).url.startsWith(PARTNER_CALLBACK));
      userId = (await tobira.store.accounts.findByEmail(userEmail))?.id ?? '';
      assert.ok(userId);
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await mail?.stop();
    });

    /** The user signs in at the partner with the right password: the page it ends on. */
    async function userSignsIn(): Promise<HttpPage> {
      const user = new HttpBrowser();
      const login = await user.follow((await startAuthorization(config)).url.href);
      return user.submit(login, '/password', { email: userEmail, password: PASSWORD }, PARTNER_CALLBACK);
    }

    it('an operator signs in to the console with a passkey and sees the accounts, recovery and audit sections', async () => {
      await passkeySignUpAtPartner(page, (await startAuthorization(config)).url.href, mail, operatorEmail, 'Sato Operator');
      const granted = await adminCall(tobira.issuer, 'POST', '/admin/api/operators', { body: { email: operatorEmail, role: 'operator' } });
      assert.equal(granted.status, 200, JSON.stringify(granted.json));
      const operatorId = (await tobira.store.accounts.findByEmail(operatorEmail))?.id;
      operatorActor = `operator:${operatorId}:${operatorEmail}`;

      // Signed out first, so the console's own passkey sign-in is what lets the operator in.
      await page.goto(`${tobira.issuer}/session/end`);
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.goto(`${tobira.issuer}/console`);
      await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await page.getByRole('heading', { level: 1, name: 'Console' }).waitFor();
      assert.deepEqual(await page.locator('#console-nav a').allInnerTexts(), ['Home', 'User accounts', 'Recovery requests', 'Audit log', 'Personal tokens', 'Sign out'], 'an operator reaches these, not partners or operators');
    });

    it('looks the user up by e-mail, views the account (audited), disables it; the user\'s next sign-in is refused', async () => {
      await page.getByRole('link', { name: 'User accounts' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'User accounts' }).waitFor();
      // A bad lookup first: refused on its field, what was typed kept, nothing viewed.
      await page.getByLabel('E-mail address or account id').fill('not an address');
      await page.getByRole('button', { name: 'Find' }).click();
      await page.locator('#q-error').waitFor();
      assert.equal(await page.locator('#q').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#q').inputValue(), 'not an address');
      await page.getByLabel('E-mail address or account id').fill(`nobody.${kind}@example.com`);
      await page.getByRole('button', { name: 'Find' }).click();
      assert.equal(await page.locator('#q-error').getAttribute('data-code'), 'account_lookup_none');
      await screenshot(page, 'console-accounts-en');

      const viewsBefore = (await tobira.store.audit.listByAccount(userId, 10, ['account.viewed'])).length;
      await page.getByLabel('E-mail address or account id').fill(userEmail.toUpperCase());
      await page.getByRole('button', { name: 'Find' }).click();
      await page.getByRole('heading', { level: 1, name: userEmail }).waitFor();
      assert.equal(await page.locator('#account-details').getAttribute('data-account-id'), userId);
      assert.equal(await page.locator('#account-details').getAttribute('data-status'), 'active');
      assert.ok(await page.locator('#sign-ins tr[data-ok="true"]').count() >= 1, 'the sign-up is in the history');
      const views = await tobira.store.audit.listByAccount(userId, 10, ['account.viewed']);
      assert.equal(views.length, viewsBefore + 1, 'the view was audited');
      assert.equal(views[0]?.actor, operatorActor, "with the operator's account");
      await screenshot(page, 'console-account-en');

      await page.getByRole('link', { name: 'Disable the account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Disable this account?' }).waitFor();
      await page.getByRole('button', { name: 'Disable the account' }).click();
      assert.equal(await page.locator('#reason').evaluate((el) => (el as HTMLTextAreaElement).validity.valueMissing), true, 'a reason is needed');
      await page.getByLabel('Reason').fill('Reported by the user: password leaked');
      await screenshot(page, 'console-account-disable-en');
      await page.getByRole('button', { name: 'Disable the account' }).click();
      await page.locator('#ended').waitFor();
      assert.ok(Number(await page.locator('#ended').getAttribute('data-sessions')) >= 1, 'the user\'s session ended');
      assert.match(await page.locator('#notice').innerText(), /disabled/);
      const disabled = (await tobira.store.accounts.findById(userId))?.disabled;
      assert.equal(disabled?.by, operatorActor);
      assert.equal(disabled?.reason, 'Reported by the user: password leaked');

      const refused = await userSignsIn();
      assert.equal(refused.status, 403);
      assert.equal(errorCodeOf(refused), 'account_disabled');
      assert.ok(!refused.url.startsWith(PARTNER_CALLBACK));

      await page.getByRole('link', { name: 'Back to the account' }).click();
      assert.equal(await page.locator('#account-details').getAttribute('data-status'), 'disabled');
      assert.match(await page.locator('#account-status').innerText(), /password leaked/);
    });

    it('finds the disabling in the audit log, then enables the account and the user signs in again', async () => {
      await page.getByRole('link', { name: 'Audit log' }).first().click();
      await page.locator('#audit-account').fill(userEmail);
      await page.locator('#audit-type').fill('account.disabled,login.failed');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator('#audit-events').waitFor();
      assert.deepEqual(await page.locator('#audit-events tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type'))), ['login.failed', 'account.disabled']);
      await screenshot(page, 'console-audit-en');
      await page.locator('#audit-from').fill('2020-13-01T00:00');
      await page.locator('#audit-type').fill('Not A Type');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator('#type-error').waitFor();
      assert.equal(await page.locator('#audit-type').getAttribute('aria-invalid'), 'true');

      await page.goto(`${tobira.issuer}/console/accounts/${userId}`);
      await page.getByRole('button', { name: 'Enable the account' }).click();
      await page.locator('#notice').waitFor();
      assert.equal(await page.locator('#account-details').getAttribute('data-status'), 'active');
      assert.ok((await userSignsIn()).url.startsWith(PARTNER_CALLBACK), 'signs in again');
    });

    it('starts a recovery for the account and rejects it in the recovery queue as the signed-in operator', async () => {
      await page.getByRole('link', { name: 'Start a recovery' }).click();
      await page.getByLabel('Note').fill('Called support; could not confirm identity.');
      await page.getByRole('button', { name: 'Start a recovery' }).click();
      await page.getByRole('link', { name: 'Open the recovery request' }).click();
      assert.equal(await page.locator('#request-details').getAttribute('data-status'), 'pending');
      await screenshot(page, 'console-recovery-request-en');
      await page.getByRole('link', { name: 'Recovery requests' }).first().click();
      assert.equal(await page.locator('#recovery-requests tr[data-status="pending"]').count(), 1);
      await screenshot(page, 'console-recovery-en');
      await page.locator('#recovery-requests tr[data-status="pending"] a').click();
      await page.getByLabel('Why it is rejected').fill('Identity not confirmed.');
      await page.getByRole('button', { name: 'Reject' }).click();
      await page.locator('#notice').waitFor();
      assert.equal(await page.locator('#request-details').getAttribute('data-status'), 'rejected');
      const [request] = await tobira.store.recoveryRequests.list({ status: 'rejected', limit: 1 });
      assert.equal(request?.decidedBy, operatorActor);
    });
  });
}
