// "Always passkey" end to end in real headless Chromium: a password account sets its phone up
// (the DevTools virtual authenticator as the phone's biometrics, push subscribed to a loopback
// receiver), turns the mode on after reading the consequences, is refused a password sign-in on a
// PC with the explanation, turns the mode off with a new password after a fresh passkey sign-in,
// and signs in with that password again. openid-client plays the partner service.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { verifyPassword } from '../../src/accounts/password-hasher.ts';
import { passwordSignUpIn } from '../support/browser-signup.ts';
import { launchChromium } from '../support/chromium.ts';
import { discover, PARTNER_CALLBACK, PARTNER_HOME, partnerClient, startAuthorization } from '../support/partner.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';
import { screenshot } from '../support/screenshots.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';
import { phoneStandIns, tokensAt } from '../support/browser-phone.ts';

const OLD_PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'hikari-no-michi 5170 sakura';

for (const kind of FEATURE_STORES) {
  describe(`always passkey in real Chromium (${kind} store)`, function () {
    this.timeout(60_000);
    const email = `itsuki.${kind}@example.com`;
    let tobira: RunningTobira;
    let sink: SmtpSink;
    let receiver: PushReceiver;
    let browser: Browser;
    let phoneContext: BrowserContext;
    let phone: Page;
    let config: oidc.Configuration;

    before(async () => {
      sink = new SmtpSink();
      receiver = new PushReceiver();
      const [smtp] = await Promise.all([sink.start(), receiver.start()]);
      tobira = await startTobira({
        store: kind,
        clients: [partnerClient()],
        env: { SMTP_URL: smtp, PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUSH_CA_FILE: testTls().caFile },
      });
      config = await discover(tobira.issuer);
      browser = await launchChromium();
      phoneContext = await newContext({ subscription: receiver.createSubscription().subscription, viewport: { width: 390, height: 844 } });
      phone = await phoneContext.newPage();
      await addVirtualAuthenticator(phoneContext, phone);
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await Promise.all([sink?.stop(), receiver?.stop()]);
    });

    async function newContext(options: { subscription?: unknown; javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
      const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: options.javaScriptEnabled ?? true, ...(options.viewport ? { viewport: options.viewport } : {}) });
      await context.addInitScript(phoneStandIns, { subscription: options.subscription ?? null, noAutofill: true });
      await context.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner callback' }));
      await context.route(`${PARTNER_HOME}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner home' }));
      return context;
    }

    async function stored() {
      const account = await tobira.store.accounts.findByEmail(email);
      assert.ok(account);
      return account;
    }

    it('a password account sets up its phone (passkey on it, notifications allowed)', async () => {
      const pending = await startAuthorization(config);
      await phone.goto(pending.url.href);
      await phone.getByRole('link', { name: 'Create one' }).click();
      await passwordSignUpIn(phone, email, 'Itsuki Mori', OLD_PASSWORD);
      assert.equal((await tokensAt(phone, config, pending)).claims()?.acr, 'urn:tobira:acr:password');

      await phone.goto(`${tobira.issuer}/account`);
      assert.equal(await phone.locator('#section-always-passkey').getAttribute('data-always-passkey'), 'off');
      assert.ok(await phone.locator('#always-passkey-needs-phone').isVisible(), 'no phone yet: the switch is not offered');

      await phone.goto(`${tobira.issuer}/device`);
      await phone.getByLabel('Name of this phone').fill('Pixel');
      await phone.getByRole('button', { name: 'Set up this phone' }).click();
      await phone.getByText('This phone is set up as "Pixel"').waitFor();
      const account = await stored();
      assert.equal((await tobira.store.devices.listByAccount(account.id)).length, 1);
      assert.ok(account.passwordHash);
    });

    it('turns "Always passkey" on after showing what changes; the password is destroyed', async () => {
      await phone.goto(`${tobira.issuer}/account`);
      await phone.getByRole('link', { name: 'Turn "Always passkey" on' }).click();
      await phone.getByRole('heading', { name: 'Turn "Always passkey" on' }).waitFor();
      assert.match(await phone.locator('#consequences').innerText(), /Without your phone \(its passkey\) at hand you cannot sign in/);
      assert.match(await phone.locator('#consequences').innerText(), /Services that depend on a password .* stop working/);
      await screenshot(phone, 'always-passkey-confirm-en');
      await phone.getByLabel('I have read this').check();
      await phone.getByRole('button', { name: 'Turn it on' }).click();
      // This session was signed in with the password just deleted: it has ended, and the phone
      // signs in again with its passkey, then sees the notice.
      await phone.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      // The notice is at the top of the page the user lands on (the menu's own notice).
      await phone.locator('#notice').filter({ hasText: '"Always passkey" is on. Your password was deleted.' }).waitFor();
      assert.ok(((await phone.locator('#notice').boundingBox())?.y ?? 9999) < 400, 'the notice is at the top, not down in its section');
      assert.equal(await phone.locator('#section-always-passkey').getAttribute('data-always-passkey'), 'on');
      await screenshot(phone.locator('#section-always-passkey'), 'always-passkey-on-en');

      const account = await stored();
      assert.equal(account.alwaysPasskey, true);
      assert.equal(account.passwordHash, null, 'the stored password hash is gone');
    });

    it('refuses a password sign-in on a PC and says why', async () => {
      // Without JavaScript the password form posts as is: the server refuses it with the explanation.
      const plain = await newContext({ javaScriptEnabled: false });
      const pc = await plain.newPage();
      await pc.goto((await startAuthorization(config)).url.href);
      await pc.getByLabel('E-mail address').fill(email);
      await pc.getByLabel('Password', { exact: true }).fill(OLD_PASSWORD);
      await pc.getByRole('button', { name: 'Sign in', exact: true }).click();
      const error = pc.locator('#form-error');
      await error.waitFor();
      assert.equal(await error.getAttribute('data-code'), 'always_passkey_on');
      assert.match(await error.innerText(), /uses "Always passkey": it signs in only with a passkey .* or a notification to its phone, never with a password/);
      assert.match(pc.url(), /\/interaction\/.+\/password$/, 'still on tobira, not at the partner');
      await screenshot(pc, 'always-passkey-refused-en');
      await plain.close();

      // With JavaScript, typing the e-mail shows the password field as for any address (issue 10
      // row 5a: nothing tells a stranger the account is always-passkey); the refusal above explains.
      const scripted = await newContext();
      const page = await scripted.newPage();
      await page.goto((await startAuthorization(config)).url.href);
      await page.getByLabel('E-mail address').fill(email);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.locator('#password-row').waitFor();
      assert.ok(await page.locator('#always-passkey-note').isHidden());
      await scripted.close();

      const events = await tobira.store.audit.listByAccount((await stored()).id, 50);
      assert.ok(events.some((e) => e.type === 'login.failed' && e.details.reason === 'always_passkey_on'));
    });

    it('turns it off with a new password after a fresh passkey sign-in; the new password signs in again', async () => {
      // The phone signed in with its passkey just now (after turning the mode on): fresh enough.
      await phone.goto(`${tobira.issuer}/account`);
      await phone.getByLabel('New password (at least 12 characters, hard to guess)').fill('password1234');
      await phone.getByRole('button', { name: 'Set the password and turn it off' }).click();
      await phone.locator('#form-error').waitFor();
      assert.match(await phone.locator('#form-error').innerText(), /too easy to guess.*similar to a commonly used password/);
      assert.equal((await stored()).alwaysPasskey, true, 'a weak password changes nothing');

      await phone.getByLabel('New password (at least 12 characters, hard to guess)').fill(NEW_PASSWORD);
      await phone.getByRole('button', { name: 'Set the password and turn it off' }).click();
      await phone.locator('#notice').filter({ hasText: '"Always passkey" is off. You can sign in with your new password too.' }).waitFor();
      assert.equal(await phone.locator('#section-always-passkey').getAttribute('data-always-passkey'), 'off');
      const account = await stored();
      assert.equal(account.alwaysPasskey, false);
      assert.ok(account.passwordHash && await verifyPassword(account.passwordHash, NEW_PASSWORD));

      // A PC signs in with the new password (identifier-first offers the password again).
      const context = await newContext();
      const pc = await context.newPage();
      // The PC's own authenticator holds no passkey of the account: the passkey attempt that
      // identifier-first starts ends at once, and the password is used instead.
      await addVirtualAuthenticator(context, pc);
      const pending = await startAuthorization(config);
      await pc.goto(pending.url.href);
      await pc.getByLabel('E-mail address').fill(email);
      await pc.getByRole('button', { name: 'Next' }).click();
      await pc.locator('#password-row').waitFor();
      assert.ok(await pc.locator('#always-passkey-note').isHidden());
      await pc.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
      await pc.getByRole('button', { name: 'Sign in', exact: true }).click();
      assert.equal((await tokensAt(pc, config, pending)).claims()?.acr, 'urn:tobira:acr:password');
      await context.close();
    });

    it('shows the switch in Japanese', async () => {
      await phone.goto(`${tobira.issuer}/account?lang=ja`);
      await phone.getByRole('heading', { name: 'いつもパスキー設定' }).waitFor();
      assert.match(await phone.locator('#always-passkey-state').innerText(), /オフ/);
      await screenshot(phone.locator('#section-always-passkey'), 'always-passkey-off-ja');
      await phone.goto(`${tobira.issuer}/account/always-passkey/on`);
      await phone.getByRole('heading', { name: '「いつもパスキー設定」をオンにする' }).waitFor();
      await screenshot(phone, 'always-passkey-confirm-ja');
      await phone.goto(`${tobira.issuer}/account?lang=en`);
    });
  });
}
