// Push sign-in in real Chromium with two browser contexts: a "PC" with no authenticator, and a
// "phone" with the DevTools virtual authenticator and the companion app. The phone's push
// subscription points at a Web Push receiver on loopback that decrypts tobira's real, encrypted,
// VAPID-signed messages (headless Chromium has no push service: the test stands in for
// pushManager.subscribe and Notification permission only).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { backAtPartner } from '../support/partner-callback.ts';
import { launchChromium } from '../support/chromium.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PARTNER_HOME, redeem, startAuthorization, type PendingAuthorization } from '../support/partner.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';
import { screenshot } from '../support/screenshots.ts';
import { notifyPhoneFor } from '../support/sign-in-page.ts';
import { passkeySignUpFrom } from '../support/browser-signup.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES, type StoreKind } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';
import type { Store } from '../../src/store/types.ts';
import { phoneStandIns } from '../support/browser-phone.ts';

const VARIANTS: Array<{ kind: StoreKind; matching: 'choose' | 'type' }> = [
  ...FEATURE_STORES.map((kind) => ({ kind, matching: 'choose' as const })),
  { kind: 'memory', matching: 'type' },
];

for (const { kind, matching } of VARIANTS) {
  describe(`push sign-in with number matching in real Chromium (${kind} store, ${matching} mode)`, function () {
    this.timeout(60_000);
    const email = `phone.${kind}@example.com`;
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let sink: SmtpSink;
    let receiver: PushReceiver;
    let browser: Browser;
    let phoneContext: BrowserContext;
    let phone: Page;
    let pcContext: BrowserContext;
    let pc: Page;
    let config: oidc.Configuration;
    let lastIdToken = '';

    before(async () => {
      sink = new SmtpSink();
      receiver = new PushReceiver();
      const [smtp] = await Promise.all([sink.start(), receiver.start()]);
      store = await freshStore(kind, { now: () => Date.now() + offset });
      tobira = await startTobira({
        store,
        clients: [partnerClient()],
        env: { SMTP_URL: smtp, PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUSH_CA_FILE: testTls().caFile, PUSH_MATCHING: matching },
        now: () => Date.now() + offset,
      });
      config = await discover(tobira.issuer);
      browser = await launchChromium();
      phoneContext = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
      await phoneContext.addInitScript(phoneStandIns, { subscription: receiver.createSubscription().subscription, noAutofill: false });
      phone = await phoneContext.newPage();
      phone.on('console', (m) => { if (process.env.DEBUG_PAGE) console.log('phone console:', m.type(), m.text()); });
      phone.on('pageerror', (e) => { if (process.env.DEBUG_PAGE) console.log('phone pageerror:', e.message); });
      await addVirtualAuthenticator(phoneContext, phone);
      pcContext = await browser.newContext({ locale: 'en-US' });
      await pcContext.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, body: 'partner callback' }));
      await pcContext.route(`${PARTNER_HOME}**`, (route) => route.fulfill({ status: 200, body: 'partner home' }));
      pc = await pcContext.newPage();
      pc.on('console', (m) => { if (process.env.DEBUG_PAGE) console.log('pc console:', m.type(), m.text()); });
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

    /** On the PC: a partner's sign-in, the e-mail typed, "Notify my phone" pressed. */
    async function pcAsksPhone(): Promise<{ pending: PendingAuthorization; approvalId: string; number: string }> {
      const pending = await startAuthorization(config);
      const pushesBefore = receiver.messages.length;
      await pc.goto(pending.url.href);
      await notifyPhoneFor(pc, email);
      await pc.getByText('We notified the phones set up for this address').waitFor();
      const push = await receiver.waitFor((m) => receiver.messages.indexOf(m) >= pushesBefore && (m.payload as { type?: string }).type === 'approval');
      const payload = push.payload as { approvalId: string; url: string; client: string; browser: string };
      assert.equal(payload.client, 'Partner Shop');
      assert.match(payload.browser, /^Chrome \d+ on /);
      assert.equal(payload.url, `${tobira.issuer}/device/approve/${payload.approvalId}`);
      assert.equal(push.urgency, 'high');
      assert.ok(push.vapid.subject.startsWith('mailto:'), 'VAPID-signed');
      // The label shows once the PC has the answer (the push is sent after it), in every matching mode.
      await pc.locator('#push-number-label').waitFor();
      const number = (await pc.locator('#push-number').isVisible()) ? await pc.locator('#push-number').innerText() : '';
      return { pending, approvalId: payload.approvalId, number };
    }

    /** Whether the account holds a trusted-browser record for the PC's own cookie. */
    async function pcIsTrusted(): Promise<boolean> {
      const token = (await pcContext.cookies()).find((c) => c.name === 'tobira.tb')?.value;
      const account = await tobira.store.accounts.findByEmail(email);
      const browsers = await tobira.store.trustedBrowsers.listByAccount(account!.id);
      return !!token && browsers.some((b) => b.tokenHash === createHash('sha256').update(token).digest('hex'));
    }

    async function pcTokens(pending: PendingAuthorization) {
      const callback = await backAtPartner(pc, pc.getByRole('button', { name: 'Allow' }), 15_000);
      const tokens = await redeem(config, pending, callback);
      lastIdToken = tokens.id_token ?? '';
      return tokens;
    }

    async function pcSignsOut(): Promise<void> {
      await pc.goto(oidc.buildEndSessionUrl(config, { id_token_hint: lastIdToken, post_logout_redirect_uri: PARTNER_HOME }).href);
      await pc.getByRole('button', { name: 'Sign out of tobira too', exact: true }).click();
      await pc.waitForURL(`${PARTNER_HOME}**`);
    }

    it('sets the phone up: sign-up with a passkey on it, notifications allowed, its passkey bound to the device', async () => {
      await passkeySignUpFrom(phone, `${tobira.issuer}/device`, sink, email, 'Phone Owner');
      await phone.getByRole('heading', { name: 'Set up this phone' }).waitFor();
      await phone.getByLabel('Name of this phone').fill('Pixel');
      await phone.getByRole('button', { name: 'Set up this phone' }).click();
      await phone.getByText('This phone is set up as "Pixel"').waitFor();

      const account = await tobira.store.accounts.findByEmail(email);
      const [device] = await tobira.store.devices.listByAccount(account!.id);
      const passkeys = await tobira.store.passkeys.listByAccount(account!.id);
      assert.ok(device);
      assert.equal(device.name, 'Pixel');
      assert.match(device.subscription.endpoint, /^https:\/\/127\.0\.0\.1:\d+\/push\//);
      assert.equal(passkeys.length, 1, 'the passkey made at sign-up on this phone is the device\'s (no second one)');
      assert.equal(device.credentialId, passkeys[0]?.credentialId);
      await screenshot(phone, 'device-en');
    });

    it(`signs the PC in after the phone ${matching === 'choose' ? 'picks' : 'types'} the number shown on the PC; the PC becomes trusted`, async () => {
      const { pending, approvalId, number } = await pcAsksPhone();
      await phone.goto(`${tobira.issuer}/device/approve/${approvalId}`);
      assert.equal(await phone.locator('#ctx-client').innerText(), 'Partner Shop');
      assert.match(await phone.locator('#ctx-browser').innerText(), /^Chrome \d+ on /);
      assert.equal(await phone.locator('#ctx-ip').innerText(), '127.0.0.1');
      if (matching === 'choose') {
        assert.match(number, /^\d{2}$/, 'an untrusted browser shows a two-digit number');
        await screenshot(pc, 'push-wait-en');
        const choices = await phone.locator('button.choice').allInnerTexts();
        assert.equal(choices.length, 3);
        assert.ok(choices.includes(number));
        await screenshot(phone, 'approve-en');
        await phone.getByRole('button', { name: number, exact: true }).click();
      } else {
        assert.match(number, /^\d{6}$/, 'strict mode: six digits to type');
        assert.ok(await pc.getByText('On your phone, type these 6 digits').isVisible());
        assert.equal(await phone.locator('button.choice').count(), 0, 'nothing to pick from');
        const wrong = String((Number(number) + 1) % 1_000_000).padStart(6, '0');
        await phone.getByLabel('Type the 6 digits shown on the sign-in screen').fill(wrong);
        await phone.getByRole('button', { name: 'Approve', exact: true }).click();
        await phone.getByText('That is not the number shown on the sign-in screen').waitFor();
        await pc.getByText('The request was denied on your phone.').waitFor();
        // One wrong number pauses push sign-in from untrusted browsers such as this PC.
        await pc.getByRole('button', { name: 'Notify again' }).click();
        await pc.locator('#passkey-error').filter({ hasText: 'paused for a while' }).waitFor();
        // Asked again once the pause (1 hour) is over; the rest happens now.
        offset = 3_601_000;
        const again = await pcAsksPhone();
        offset = 0;
        await phone.goto(`${tobira.issuer}/device/approve/${again.approvalId}`);
        await phone.getByLabel('Type the 6 digits shown on the sign-in screen').fill(again.number);
        await phone.getByRole('button', { name: 'Approve', exact: true }).click();
        await phone.getByText('Approved. The screen you are signing in on').waitFor();
        assert.equal((await pcTokens(again.pending)).claims()?.acr, 'urn:tobira:acr:push:typed', 'the acr says the number was typed');
        assert.ok(await pcIsTrusted(), 'the PC is now trusted');
        return;
      }
      await phone.getByText('Approved. The screen you are signing in on').waitFor();

      const claims = (await pcTokens(pending)).claims()!;
      assert.equal(claims.acr, 'urn:tobira:acr:push', 'a phone approval is not phishing-resistant');
      assert.deepEqual(claims.amr, ['mca', 'user', 'mfa']);
      const account = await tobira.store.accounts.findByEmail(email);
      assert.equal(claims.sub, account?.id);
      assert.ok(await pcIsTrusted(), 'the PC is now trusted');
      assert.ok((await pcContext.cookies()).some((c) => c.name === 'tobira.tb' && c.httpOnly));
    });

    // The remaining flows do not depend on the matching mode; they run in the default one.
    if (matching === 'choose') {
      it('skips the number on the trusted PC; revoking the PC brings the number back', async () => {
        await pcSignsOut();
        const trusted = await pcAsksPhone();
        assert.equal(trusted.number, '');
        assert.ok(await pc.getByText('This browser is trusted: no number to match.').isVisible());
        await phone.goto(`${tobira.issuer}/device/approve/${trusted.approvalId}`);
        assert.equal(await phone.locator('button.choice').count(), 0);
        await phone.getByRole('button', { name: 'Approve', exact: true }).click();
        await phone.getByText('Approved.').waitFor();
        await pcTokens(trusted.pending);

        // The phone (signed in to the account menu) revokes the PC.
        await phone.goto(`${tobira.issuer}/account/browsers`);
        // The phone itself is trusted too (its passkey sign-up); revoke the other browser, the PC,
        // on the confirmation page the Revoke link opens.
        await phone.locator('li.browser').filter({ hasNot: phone.locator('#this-browser') }).getByRole('link', { name: 'Revoke', exact: false }).click();
        await phone.getByRole('button', { name: 'Stop trusting it' }).click();
        await phone.getByText('The browser is no longer trusted.').waitFor();
        await pcSignsOut();
        const again = await pcAsksPhone();
        assert.match(again.number, /^\d{2}$/, 'the revoked browser must match a number again');
        await phone.goto(`${tobira.issuer}/device/approve/${again.approvalId}`);
        await phone.getByRole('button', { name: again.number, exact: true }).click();
        await phone.getByText('Approved.').waitFor();
        await pcTokens(again.pending);
      });

      it('denied, wrong number, expired: the PC is told and can ask again', async () => {
        await pcSignsOut();
        const denied = await pcAsksPhone();
        await phone.goto(`${tobira.issuer}/device/approve/${denied.approvalId}`);
        await phone.getByRole('button', { name: 'Deny' }).click();
        await phone.getByText('Denied.').waitFor();
        await pc.getByText('The request was denied on your phone.').waitFor();
        assert.ok(await pc.getByRole('button', { name: 'Notify again' }).isVisible());

        // The last number match trusted the PC again; without its cookie it is a stranger.
        const trustCookie = (await pcContext.cookies()).find((c) => c.name === 'tobira.tb');
        assert.ok(trustCookie);
        await pcContext.clearCookies({ name: 'tobira.tb' });
        const late = await pcAsksPhone();
        offset = 121_000;
        await pc.getByText('The sign-in request has expired.').waitFor();
        await phone.goto(`${tobira.issuer}/device/approve/${late.approvalId}`);
        assert.match(await phone.locator('[role=alert]').innerText(), /does not exist or has expired/);
        offset = 0;

        const wrong = await pcAsksPhone();
        assert.match(wrong.number, /^\d{2}$/);
        await phone.goto(`${tobira.issuer}/device/approve/${wrong.approvalId}`);
        const other = (await phone.locator('button.choice').allInnerTexts()).find((n) => n !== wrong.number)!;
        await phone.getByRole('button', { name: other, exact: true }).click();
        await phone.getByText('That is not the number shown on the sign-in screen').waitFor();
        await pc.getByText('The request was denied on your phone.').waitFor();
        // A wrong pick pauses push sign-in from untrusted browsers; with its trust cookie back, the PC may ask.
        await pc.getByRole('button', { name: 'Notify again' }).click();
        await pc.locator('#passkey-error').filter({ hasText: 'paused for a while' }).waitFor();
        await pcContext.addCookies([trustCookie]);
      });

      it('"This wasn\'t me" denies, tells the user by mail, and pauses push sign-in for the account', async () => {
        const mailsBefore = sink.messages.length;
        const reported = await pcAsksPhone();
        await phone.goto(`${tobira.issuer}/device/approve/${reported.approvalId}`);
        await phone.getByRole('button', { name: 'This wasn\'t me' }).click();
        await phone.getByText('sign-in by notification is paused').waitFor();
        await pc.getByText('The request was denied on your phone.').waitFor();
        const notice = await sink.latestTo(email, mailsBefore);
        assert.match(notice.subject, /did not make was refused/);
        const account = await tobira.store.accounts.findByEmail(email);
        const events = await tobira.store.audit.listByAccount(account!.id, 50);
        assert.ok(events.some((e) => e.type === 'approval.reported'));
        assert.ok(events.some((e) => e.type === 'push.blocked'));

        await pc.getByRole('button', { name: 'Notify again' }).click();
        await pc.locator('#passkey-error').filter({ hasText: 'paused for this account' }).waitFor();
      });
    }
  });
}
