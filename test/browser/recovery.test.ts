// Lost phone, nothing else works, end to end in real Chromium: an account with its phone set up
// (passkey + push), a partner's refresh token and a trusted, signed-in PC; the user files a recovery
// request on a new phone; an operator approves it with the CLI (a child process, over the operator
// API); the enrolment link arrives by mail; the new phone registers a passkey with it and is set up.
// Then every old session, the refresh token, the trusted PC and the lost phone's passkey and device
// are refused, and the account's contacts have been told.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Store } from '../../src/store/types.ts';
import { launchChromium } from '../support/chromium.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PARTNER_HOME, startAuthorization } from '../support/partner.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';
import { ADMIN_TOKEN, enrolmentLinkIn, mailMatching, mailText, runCli, smsMatching } from '../support/recovery-harness.ts';
import { screenshot } from '../support/screenshots.ts';
import { notifyPhoneFor, openOtherWays } from '../support/sign-in-page.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator, type VirtualAuthenticator } from '../support/virtual-authenticator.ts';
import { phoneStandIns, tokensAt, type Phone } from '../support/browser-phone.ts';

for (const kind of FEATURE_STORES) {
  describe(`lost-phone recovery in real Chromium (${kind} store)`, function () {
    this.timeout(90_000);
    const email = `lost.${kind}@example.com`;
    const contactEmail = `lost.home.${kind}@example.net`;
    const mobile = kind === 'memory' ? '+819011112222' : '+819033334444';
    let store: Store;
    let tobira: RunningTobira;
    let smtp: SmtpSink;
    let sms: SmsSink;
    let receiver: PushReceiver;
    let browser: Browser;
    let config: oidc.Configuration;

    before(async () => {
      smtp = new SmtpSink();
      sms = new SmsSink();
      receiver = new PushReceiver();
      const [smtpUrl, smsUrl] = await Promise.all([smtp.start(), sms.start(), receiver.start()]);
      store = await freshStore(kind);
      tobira = await startTobira({
        store,
        clients: [partnerClient()],
        env: { SMTP_URL: smtpUrl, SMS_HOOK_URL: smsUrl, ADMIN_TOKEN, PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUSH_CA_FILE: testTls().caFile },
      });
      config = await discover(tobira.issuer);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await store?.close();
      await Promise.all([smtp?.stop(), sms?.stop(), receiver?.stop()]);
    });

    async function contextFor(options: { phone: boolean }): Promise<Phone> {
      const context = await browser.newContext(options.phone ? { locale: 'en-US', viewport: { width: 390, height: 844 } } : { locale: 'en-US' });
      const { token, subscription } = receiver.createSubscription();
      await context.addInitScript(phoneStandIns, { subscription, noAutofill: true });
      await context.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner callback' }));
      await context.route(`${PARTNER_HOME}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner home' }));
      const page = await context.newPage();
      page.on('console', (m) => { if (process.env.DEBUG_PAGE) console.log('console:', m.type(), m.text()); });
      page.on('pageerror', (e) => { if (process.env.DEBUG_PAGE) console.log('pageerror:', e.message); });
      const authenticator = options.phone ? await addVirtualAuthenticator(context, page) : (undefined as unknown as VirtualAuthenticator);
      return { context, page, authenticator, pushToken: token };
    }

    /** On a sign-in page: the e-mail, "Notify my phone"; the approval pushed and the number shown. */
    async function notifyPhone(page: Page): Promise<{ approvalId: string; number: string; token: string }> {
      const pushesBefore = receiver.messages.length;
      await notifyPhoneFor(page, email);
      await page.getByText('We notified the phones set up for this address').waitFor();
      const push = await receiver.waitFor((m) => receiver.messages.indexOf(m) >= pushesBefore && (m.payload as { type?: string }).type === 'approval');
      // The label shows once the PC has the answer (the push is sent after it), in every matching mode.
      await page.locator('#push-number-label').waitFor();
      const number = (await page.locator('#push-number').isVisible()) ? await page.locator('#push-number').innerText() : '';
      return { approvalId: (push.payload as { approvalId: string }).approvalId, number, token: push.token };
    }

    async function tbHash(context: BrowserContext): Promise<string> {
      const token = (await context.cookies()).find((c) => c.name === 'tobira.tb')?.value ?? '';
      return token ? createHash('sha256').update(token).digest('hex') : '';
    }

    async function sentToSignIn(page: Page, path: string): Promise<void> {
      await page.goto(`${tobira.issuer}${path}`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.match(page.url(), /\/interaction\//, `${path} sends the old browser to sign in`);
    }

    it('an operator-approved recovery gives the new phone the account and takes every old way in away', async () => {
      // The phone that will be lost: passwordless sign-up on it, set up for push.
      const old = await contextFor({ phone: true });
      await old.page.goto(`${tobira.issuer}/device`);
      await old.page.getByRole('link', { name: 'Create one' }).click();
      await old.page.getByLabel('E-mail address').fill(email);
      const codeFrom = smtp.messages.length;
      await old.page.getByRole('button', { name: 'Send the code' }).click();
      await old.page.getByLabel('Verification code').fill(await smtp.codeFor(email, codeFrom));
      await old.page.getByRole('button', { name: 'Verify' }).click();
      await old.page.getByLabel('Name (shown to services)').fill('Lost Owner');
      await old.page.getByRole('button', { name: 'Create passkey and sign up' }).click();
      await old.page.getByLabel('Name of this phone').fill('Old phone');
      await old.page.getByRole('button', { name: 'Set up this phone' }).click();
      await old.page.getByText('This phone is set up as "Old phone"').waitFor();
      const account = (await store.accounts.findByEmail(email))!;
      const at = new Date();
      await store.accounts.setContact(account.id, 'email', { value: contactEmail, verifiedAt: at }, at);
      await store.accounts.setContact(account.id, 'mobile', { value: mobile, verifiedAt: at }, at);
      const [oldDevice] = await store.devices.listByAccount(account.id);
      assert.ok(oldDevice);

      // A partner keeps a refresh token from a sign-in on the old phone.
      const offline = await startAuthorization(config, { scope: 'openid offline_access', prompt: 'consent' });
      await old.page.goto(offline.url.href);
      const refreshToken = (await tokensAt(old.page, config, offline)).refresh_token;
      assert.ok(refreshToken);
      assert.equal((await oidc.tokenIntrospection(config, refreshToken)).active, true);

      // A PC signed in through the old phone (number matching): trusted, with a session.
      const pc = await contextFor({ phone: false });
      const pcPending = await startAuthorization(config);
      await pc.page.goto(pcPending.url.href);
      const first = await notifyPhone(pc.page);
      assert.equal(first.token, old.pushToken);
      assert.match(first.number, /^\d{2}$/);
      await old.page.goto(`${tobira.issuer}/device/approve/${first.approvalId}`);
      await old.page.getByRole('button', { name: first.number, exact: true }).click();
      await old.page.getByText('Approved.').waitFor();
      await tokensAt(pc.page, config, pcPending);
      const pcTrust = await tbHash(pc.context);
      const oldTrust = await tbHash(old.context);
      const trusted = (await store.trustedBrowsers.listByAccount(account.id)).map((b) => b.tokenHash);
      assert.ok(pcTrust && trusted.includes(pcTrust), 'the PC is trusted');
      assert.ok(oldTrust && trusted.includes(oldTrust), 'the old phone is trusted (passkey sign-up)');
      await pc.page.goto(`${tobira.issuer}/account`);
      await pc.page.getByRole('heading', { name: 'Your account' }).waitFor();

      // The phone is lost. On a new phone: the sign-in page's recovery link, the form.
      const fresh = await contextFor({ phone: true });
      const { page } = fresh;
      const mailsBefore = smtp.messages.length;
      await page.goto((await startAuthorization(config)).url.href);
      await openOtherWays(page);
      await page.getByRole('link', { name: 'Lost your phone and cannot sign in?' }).click();
      await page.getByRole('heading', { name: 'Ask to recover your account' }).waitFor();
      await page.getByLabel('E-mail address you sign in with').fill(email);
      await page.getByLabel('Contact e-mail address').fill(contactEmail);
      await page.getByLabel('Contact mobile number').fill(`0${mobile.slice(3)}`);
      await page.getByLabel('What happened').fill('I left my phone in a taxi last night. I can receive mail at my home address.');
      await screenshot(page, 'recovery-en');
      await page.getByRole('button', { name: 'Ask for recovery' }).click();
      await page.getByRole('heading', { name: 'Request received' }).waitFor();
      await mailMatching(smtp, contactEmail, /Someone asked to recover your tobira account/, mailsBefore);

      // The operator, with the CLI.
      const env = { ADMIN_TOKEN, TOBIRA_URL: tobira.issuer };
      const listed = await runCli(['recovery', 'list', '--status', 'pending'], env);
      assert.equal(listed.code, 0, listed.stderr);
      const id = new RegExp(`^(\\S+)\\s+pending\\s+\\S+\\s+${email.replace(/\./g, '\\.')}$`, 'm').exec(listed.stdout)?.[1];
      assert.ok(id, listed.stdout);
      const shown = await runCli(['recovery', 'show', id, '--operator', 'ops-tanaka'], env);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /match:\s+e-mail match, mobile match/);
      assert.match(shown.stdout, /1 phone\(s\), 1 passkey\(s\)/);
      const linkFrom = smtp.messages.length;
      const smsFrom = sms.messages.length;
      const approved = await runCli(['recovery', 'approve', id, '--operator', 'ops-tanaka', '--note', 'called back on the contact number'], env);
      assert.equal(approved.code, 0, approved.stderr);
      assert.equal(approved.stdout.trim(), `approved ${id}: enrolment link e-mailed to ${contactEmail}, sent by SMS to ${mobile}`);

      // The link arrives by mail (and SMS); the new phone registers a passkey with it, signs in, is set up.
      const link = enrolmentLinkIn(await mailMatching(smtp, contactEmail, /\/enrol\//, linkFrom), tobira.issuer);
      assert.equal(enrolmentLinkIn(await smsMatching(sms, mobile, /\/enrol\//, smsFrom), tobira.issuer), link);
      const noticesFrom = smtp.messages.length;
      const noticeSmsFrom = sms.messages.length;
      await page.goto(link);
      await page.getByRole('heading', { name: 'Register a passkey on this phone' }).waitFor();
      await page.getByRole('button', { name: 'Register a passkey' }).click();
      await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await page.getByRole('heading', { name: 'Set up this phone' }).waitFor();
      await page.getByLabel('Name of this phone').fill('New phone');
      await page.getByRole('button', { name: 'Set up this phone' }).click();
      await page.getByText('This phone is set up as "New phone"').waitFor();

      const [newCredential] = await fresh.authenticator.credentials();
      assert.ok(newCredential);
      const newCredentialId = Buffer.from(newCredential.credentialId, 'base64').toString('base64url');
      assert.deepEqual((await store.passkeys.listByAccount(account.id)).map((p) => p.credentialId), [newCredentialId]);
      assert.deepEqual((await store.devices.listByAccount(account.id)).map((d) => d.name), ['New phone']);
      assert.equal((await store.recoveryRequests.findById(id))?.status, 'completed');

      // Every old session is refused: the old phone and the PC are sent to sign in.
      await sentToSignIn(old.page, '/account');
      await sentToSignIn(pc.page, '/account');
      // The partner's refresh token is refused.
      await assert.rejects(oidc.refreshTokenGrant(config, refreshToken), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      // The trusted browsers are forgotten: neither is listed, and the PC must match a number again.
      const nowTrusted = (await store.trustedBrowsers.listByAccount(account.id)).map((b) => b.tokenHash);
      assert.ok(!nowTrusted.includes(pcTrust) && !nowTrusted.includes(oldTrust), 'old trusted browsers are gone');
      await page.goto(`${tobira.issuer}/account/browsers`);
      assert.equal(await page.locator('li.browser').count(), nowTrusted.length, 'only the new phone is listed');
      await pc.page.goto((await startAuthorization(config)).url.href);
      const again = await notifyPhone(pc.page);
      assert.match(again.number, /^\d{2}$/, 'the PC is no longer recognised: it shows a number');
      assert.equal(again.token, fresh.pushToken, 'only the new phone is notified');
      // The lost phone's device cookie approves nothing: it is sent to sign in.
      await sentToSignIn(old.page, `/device/approve/${again.approvalId}`);
      assert.equal(await store.devices.findById(oldDevice.id), undefined);
      // The lost phone's passkey is refused (the found phone still holds it: a worthless credential).
      assert.equal((await old.authenticator.credentials()).length, 1);
      await old.page.goto((await startAuthorization(config)).url.href);
      await old.page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await old.page.locator('#passkey-error').filter({ hasText: 'not registered' }).waitFor();
      assert.match(old.page.url(), /\/interaction\//, 'still on the sign-in page');

      // The account's addresses were told.
      for (const address of [email, contactEmail]) {
        const texts = smtp.messages.slice(noticesFrom).filter((m) => m.to.includes(address)).map((m) => mailText(m.raw));
        assert.ok(texts.some((text) => /Your tobira account was recovered/.test(text)), texts.join('\n----\n'));
      }
      assert.ok(sms.messages.slice(noticeSmsFrom).some((m) => m.to === mobile && /account was recovered/.test(m.text)));
      const types = (await store.audit.listByAccount(account.id, 200)).map((e) => e.type);
      for (const type of ['recovery.requested', 'recovery.viewed', 'recovery.approved', 'enrolment.completed', 'access.revoked', 'recovery.completed']) assert.ok(types.includes(type), type);
      await Promise.all([old.context.close(), pc.context.close(), fresh.context.close()]);
    });
  });
}
