// The pages only a whole flow reaches, walked in real Chromium in both languages at phone and
// desktop size, so that the axe-core watcher (test/support/axe.ts) audits each of them and
// `npm run screenshots` keeps their pictures: the TV's confirmation and done pages (the device
// authorization grant, openid-client as the TV), the end of a password reset (the code read from
// real mail), and the refusal a password-dependent partner gets for an always-passkey account.
// One tobira, one browser; the accounts are made once and reused by every language and size.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PASSWORD_DEPENDENT } from '../../src/always-passkey/policy.ts';
import { auditsDone } from '../support/axe.ts';
import { phoneStandIns } from '../support/browser-phone.ts';
import { passwordSignUpIn } from '../support/browser-signup.ts';
import { DESKTOP_VIEWPORT, launchChromium, PHONE_VIEWPORT } from '../support/chromium.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, PARTNER_HOME, partnerClient, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const WIDGET = 'widget-app';
const TV = 'tv-app';

/** Every language and size a page is shown in: each load is one audit (and one picture per language). */
const SHOWINGS = [
  { lang: 'ja', viewport: PHONE_VIEWPORT },
  { lang: 'ja', viewport: DESKTOP_VIEWPORT },
  { lang: 'en', viewport: PHONE_VIEWPORT },
  { lang: 'en', viewport: DESKTOP_VIEWPORT },
] as const;

/** The page tobira rendered, by its body[data-page], once it has loaded. */
async function pageId(page: Page): Promise<string | undefined> {
  await page.waitForLoadState('load');
  return page.locator('body').getAttribute('data-page').then((id) => id ?? undefined);
}

describe('the pages at the end of a flow in real Chromium, in both languages at phone and desktop size', function () {
  this.timeout(240_000);
  let tobira: RunningTobira;
  let sink: SmtpSink;
  let receiver: PushReceiver;
  let browser: Browser;

  before(async () => {
    sink = new SmtpSink();
    receiver = new PushReceiver();
    const [smtp] = await Promise.all([sink.start(), receiver.start()]);
    tobira = await startTobira({
      store: 'memory',
      clients: [
        partnerClient(),
        partnerClient({ client_id: WIDGET, client_name: 'Widget App', [PASSWORD_DEPENDENT]: true }),
        { client_id: TV, client_name: 'Living Room TV', grant_types: [DEVICE_CODE], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'none' },
      ],
      env: { SMTP_URL: smtp, PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUSH_CA_FILE: testTls().caFile },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await tobira?.close();
    await Promise.all([sink?.stop(), receiver?.stop()]);
  });

  it('password-reset-done: a reset by the mailed code ends on the done page', async () => {
    // Two accounts, two resets each: a third reset mail to one address within the code's lifetime
    // would already be the per-address cap (src/limits/limits.ts, resetMailsPerAddress).
    const config = await discover(tobira.issuer);
    const emails = ['reset.one@example.com', 'reset.two@example.com'];
    for (const email of emails) await signUpAndConsent(new HttpBrowser(), await startAuthorization(config), email);

    for (const [i, { lang, viewport }] of SHOWINGS.entries()) {
      const email = emails[i % 2]!;
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${tobira.issuer}/password-reset?lang=${lang}`);
      await page.locator('#email').fill(email);
      const marks = SmtpSink.marks();
      await page.locator('form[action="/password-reset"] button[type=submit]').click();
      await page.locator('#code').fill(await SmtpSink.codeSentTo(email, marks, 15_000));
      await page.locator('#new-password').fill(`hoshizora ${lang} ${viewport.width} kumo ${i}`);
      await page.locator('form[action="/password-reset/code"] button[type=submit]').click();
      await page.locator('#password-reset-done').waitFor();
      assert.equal(await pageId(page), 'password-reset-done');
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      await auditsDone();
      await context.close();
    }
  });

  describe('with an always-passkey account signed in on a phone', () => {
    let context: BrowserContext;
    let phone: Page;
    let widget: oidc.Configuration;
    let tv: oidc.Configuration;

    before(async function () {
      this.timeout(120_000);
      widget = await discover(tobira.issuer, WIDGET);
      tv = await oidc.discovery(new URL(tobira.issuer), TV, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      // As in the always-passkey suite: a password sign-up, the phone set up (its passkey and push
      // subscription), then the mode turned on, and a passkey sign-in again.
      context = await browser.newContext({ locale: 'en-US', viewport: PHONE_VIEWPORT });
      await context.addInitScript(phoneStandIns, { subscription: receiver.createSubscription().subscription, noAutofill: true });
      await context.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner callback' }));
      await context.route(`${PARTNER_HOME}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner home' }));
      phone = await context.newPage();
      await addVirtualAuthenticator(context, phone);
      await phone.goto((await startAuthorization(await discover(tobira.issuer))).url.href);
      await phone.getByRole('link', { name: 'Create one' }).click();
      await passwordSignUpIn(phone, 'always.passkey@example.com', 'Aoi Kimura', 'correct horse battery staple');
      await phone.getByRole('button', { name: 'Allow' }).click();
      await phone.waitForURL(`${PARTNER_CALLBACK}**`);
      await phone.goto(`${tobira.issuer}/device`);
      await phone.getByLabel('Name of this phone').fill('Pixel');
      await phone.getByRole('button', { name: 'Set up this phone' }).click();
      await phone.getByText('This phone is set up as "Pixel"').waitFor();
      await phone.goto(`${tobira.issuer}/account`);
      await phone.getByRole('link', { name: 'Turn "Always passkey" on' }).click();
      await phone.getByLabel('I have read this').check();
      await phone.getByRole('button', { name: 'Turn it on' }).click();
      await phone.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await phone.locator('#section-always-passkey[data-always-passkey="on"]').waitFor();
    });
    after(() => context?.close());

    /** The same phone in `lang` at `viewport` (the ?lang= switch is remembered in a cookie). */
    async function show(lang: string, viewport: { width: number; height: number }): Promise<void> {
      await phone.setViewportSize(viewport);
      await phone.goto(`${tobira.issuer}/account?lang=${lang}`);
      await auditsDone();
    }

    it('password-dependent: a password-dependent partner is refused with the reason; back at the partner it gets access_denied', async () => {
      for (const { lang, viewport } of SHOWINGS) {
        await show(lang, viewport);
        await phone.goto((await startAuthorization(widget)).url.href);
        await phone.locator('#form-error[data-code="password_dependent_client"]').waitFor();
        assert.equal(await pageId(phone), 'password-dependent');
        assert.match(await phone.locator('#form-error').innerText(), /Widget App/);
        await auditsDone();
      }
      await phone.locator('form[action$="/password-dependent"] button[type=submit]').click();
      await phone.waitForURL(`${PARTNER_CALLBACK}**`);
      assert.equal(new URL(phone.url()).searchParams.get('error'), 'access_denied');
    });

    it('activate-confirm and activate-done: the TV\'s code confirmed, the TV gets its tokens', async () => {
      for (const [i, { lang, viewport }] of SHOWINGS.entries()) {
        await show(lang, viewport);
        const started = await oidc.initiateDeviceAuthorization(tv, { scope: 'openid' });
        // The QR code's link: oidc-provider's self-submitting form, then the confirmation page.
        await phone.goto(started.verification_uri_complete!);
        await phone.locator('#user-code').waitFor();
        assert.equal(await pageId(phone), 'activate-confirm');
        assert.equal(await phone.locator('#user-code').innerText(), started.user_code);
        assert.match(await phone.locator('#activate-account').innerText(), /always\.passkey@example\.com/);
        await auditsDone();
        await phone.locator('button[form="op.deviceConfirmForm"]:not([name=abort])').click();
        // The first time the TV asks for consent (remembered); after that it is done at once.
        const done = phone.locator('#activate-done');
        const allow = phone.locator('form[action$="/consent"] button[type=submit]');
        await done.or(allow).waitFor();
        if (i === 0) {
          assert.ok(await allow.isVisible(), 'the first time, the TV asks for consent');
          await allow.click();
        }
        await done.waitFor();
        assert.equal(await pageId(phone), 'activate-done');
        assert.match(await done.innerText(), /Living Room TV/);
        await auditsDone();
        const tokens = await oidc.genericGrantRequest(tv, DEVICE_CODE, { device_code: started.device_code });
        assert.ok(tokens.access_token);
      }
    });
  });
});
