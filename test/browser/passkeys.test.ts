// Passkeys end to end in real headless Chromium, with the DevTools virtual authenticator as the
// phone's biometrics and openid-client as the partner service.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { passwordSignUpIn } from '../support/browser-signup.ts';
import { backAtPartner } from '../support/partner-callback.ts';
import { launchChromium } from '../support/chromium.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PARTNER_HOME, redeem, startAuthorization, type PendingAuthorization } from '../support/partner.ts';
import { screenshot } from '../support/screenshots.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator, type VirtualAuthenticator } from '../support/virtual-authenticator.ts';

// Runs in every page before tobira's scripts: lets a test switch passkey autofill off (to click
// the button or use identifier-first instead; the virtual authenticator answers an autofill
// request at once) and records what the page asked of the WebAuthn API.
function instrument(): void {
  if (!navigator.credentials) return; // not a secure context (the partner's stand-in pages)
  const w = window as unknown as { __mediations: string[]; __signals: Array<[string, unknown]> };
  w.__mediations = [];
  w.__signals = [];
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = (options?: CredentialRequestOptions) => {
    const mediation = options?.mediation ?? 'optional';
    w.__mediations.push(mediation);
    // Kept per tab and origin, so it can be read after the page has navigated to the partner.
    sessionStorage.setItem('test:mediations', JSON.stringify([...JSON.parse(sessionStorage.getItem('test:mediations') ?? '[]') as string[], mediation]));
    return get(options);
  };
  const pkc = window.PublicKeyCredential as unknown as Record<string, (arg: unknown) => Promise<void>>;
  for (const name of ['signalUnknownCredential', 'signalAllAcceptedCredentials']) {
    const original = pkc[name]?.bind(pkc);
    pkc[name] = (arg: unknown) => {
      w.__signals.push([name, arg]);
      return original ? original(arg) : Promise.resolve();
    };
  }
  if (localStorage.getItem('test:no-autofill')) {
    pkc.isConditionalMediationAvailable = () => Promise.resolve(false) as unknown as Promise<void>;
  }
}

for (const kind of FEATURE_STORES) {
  describe(`passkeys in real Chromium (${kind} store)`, function () {
    this.timeout(60_000);
    const email = `keiko.${kind}@example.com`;
    let tobira: RunningTobira;
    let sink: SmtpSink;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let phone: VirtualAuthenticator;
    let config: oidc.Configuration;
    let lastIdToken = '';

    before(async () => {
      sink = new SmtpSink();
      const smtp = await sink.start();
      tobira = await startTobira({ store: kind, clients: [partnerClient()], env: { SMTP_URL: smtp } });
      config = await discover(tobira.issuer);
      browser = await launchChromium();
      context = await browser.newContext({ locale: 'en-US' });
      await context.addInitScript(instrument);
      // The partner's callback is never served; the test reads the code from the URL instead.
      await context.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner callback' }));
      await context.route(`${PARTNER_HOME}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner home' }));
      page = await context.newPage();
      page.on('console', (m) => { if (process.env.DEBUG_PAGE) console.log('console:', m.type(), m.text()); });
      page.on('pageerror', (e) => { if (process.env.DEBUG_PAGE) console.log('pageerror:', e.message); });
      page.on('request', (r) => { if (process.env.DEBUG_PAGE && r.method() === 'POST') console.log('POST', r.url()); });
      phone = await addVirtualAuthenticator(context, page);
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
      await sink?.stop();
    });

    async function autofill(enabled: boolean): Promise<void> {
      await page.goto(`${tobira.issuer}/healthz`);
      await page.evaluate((on) => (on ? localStorage.removeItem('test:no-autofill') : localStorage.setItem('test:no-autofill', '1')), enabled);
    }

    async function authorize(params: Record<string, string> = {}): Promise<PendingAuthorization> {
      const pending = await startAuthorization(config, params);
      await page.goto(pending.url.href);
      return pending;
    }

    /** Waits for the partner's callback, allowing access again if tobira asks. */
    async function tokensAtCallback(pending: PendingAuthorization) {
      const callback = await backAtPartner(page, page.getByRole('button', { name: 'Allow' }), 10_000).catch(async (err: unknown) => {
        const shown = await page.locator('#passkey-error, #form-error').allInnerTexts().catch(() => []);
        throw new Error(`not back at the partner (${page.url()}): ${shown.join(' | ')}`, { cause: err });
      });
      const tokens = await redeem(config, pending, callback);
      lastIdToken = tokens.id_token ?? '';
      return tokens;
    }

    async function signOut(): Promise<void> {
      await page.goto(oidc.buildEndSessionUrl(config, { id_token_hint: lastIdToken, post_logout_redirect_uri: PARTNER_HOME }).href);
      await page.getByRole('button', { name: 'Sign out of tobira too', exact: true }).click();
      await page.waitForURL(`${PARTNER_HOME}**`);
    }

    async function signals(): Promise<Array<[string, { credentialId?: string; allAcceptedCredentialIds?: string[] }]>> {
      return page.evaluate(() => (window as unknown as { __signals: Array<[string, { credentialId?: string }]> }).__signals);
    }

    it('signs up with an e-mailed code and a passkey; the partner gets acr phr and amr', async () => {
      await autofill(false);
      const pending = await authorize();
      await page.getByRole('link', { name: 'Create one' }).click();
      await screenshot(page, 'signup-en');
      await page.getByLabel('E-mail address').fill(email);
      const mailsBefore = sink.messages.length;
      await page.getByRole('button', { name: 'Send the code' }).click();
      await page.getByLabel('Verification code').fill(await sink.codeFor(email, mailsBefore));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByLabel('Name (shown to services)').fill('Keiko Sato');
      await page.getByRole('button', { name: 'Create passkey and sign up' }).click();
      // tokensAtCallback presses "Allow" on the consent page itself: pressing it here too could
      // post the consent twice under load, and the second answer's late redirect would cut into
      // the next test's navigation.
      const tokens = await tokensAtCallback(pending);
      const claims = tokens.claims()!;
      assert.equal(claims.acr, 'phr');
      assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa'], 'device-bound passkey with user verification');

      const account = await tobira.store.accounts.findByEmail(email);
      assert.ok(account);
      assert.equal(account.id, claims.sub);
      assert.equal(account.passwordHash, null, 'no password was ever set');
      assert.equal(account.emailVerified, true);
      const [stored] = await tobira.store.passkeys.listByAccount(account.id);
      const [credential] = await phone.credentials();
      assert.ok(stored && credential);
      assert.equal(Buffer.from(stored.credentialId, 'base64url').toString('base64'), credential.credentialId);
      assert.equal(Buffer.from(stored.userHandle, 'base64url').toString('base64'), credential.userHandle);
      assert.equal(stored.userHandle, account.webauthnUserId);
      assert.equal(stored.deviceType, 'singleDevice');
      assert.equal(stored.backedUp, false);
      assert.deepEqual(stored.transports, ['internal']);
      assert.equal(stored.name, 'Passkey');
      const [trusted] = await tobira.store.trustedBrowsers.listByAccount(account.id);
      assert.match(trusted?.label ?? '', /^Chrome \d+ on /, 'the browser the passkey was made in is trusted');
    });

    it('signs in with the "biometrics or screen lock" button (usernameless)', async () => {
      await signOut();
      await autofill(false);
      await page.evaluate(() => sessionStorage.removeItem('test:mediations'));
      const pending = await authorize();
      await screenshot(page, 'signin-en');
      await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      const tokens = await tokensAtCallback(pending);
      assert.equal(tokens.claims()?.acr, 'phr');
      assert.equal((await phone.credentials())[0]?.signCount, 2);
      // One modal request (the button), no autofill request: read back on tobira's origin.
      await page.goto(`${tobira.issuer}/healthz`);
      assert.deepEqual(await page.evaluate(() => JSON.parse(sessionStorage.getItem('test:mediations') ?? '[]') as string[]), ['optional']);
    });

    it('signs in through passkey autofill on the e-mail field (conditional mediation)', async () => {
      await signOut();
      await autofill(true);
      await page.evaluate(() => sessionStorage.removeItem('test:mediations'));
      const pending = await authorize();
      const tokens = await tokensAtCallback(pending);
      assert.equal(tokens.claims()?.acr, 'phr');
      assert.equal((await phone.credentials())[0]?.signCount, 3, 'the autofill request used the passkey without a click');
      await page.goto(`${tobira.issuer}/healthz`);
      assert.deepEqual(await page.evaluate(() => JSON.parse(sessionStorage.getItem('test:mediations') ?? '[]') as string[]), ['conditional']);
    });

    it('signs in identifier-first: the e-mail reveals nothing (any discoverable passkey, a password field as for every address)', async () => {
      await signOut();
      await autofill(false);
      const pending = await authorize();
      await page.getByLabel('E-mail address').fill(email.toUpperCase());
      await page.getByRole('button', { name: 'Next' }).click();
      const tokens = await tokensAtCallback(pending);
      assert.equal(tokens.claims()?.acr, 'phr');
      assert.equal((await phone.credentials())[0]?.signCount, 4);

      // The same steps, stopped before the ceremony, show what identifier-first offered.
      await signOut();
      const second = await startAuthorization(config);
      await page.goto(second.url.href);
      const answer = await page.evaluate(async (address) => {
        const root = document.getElementById('passkey-login')!;
        const res = await fetch(`/interaction/${root.dataset.uid}/passkey/options`, {
          method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': root.dataset.csrf! }, body: JSON.stringify({ email: address }),
        });
        return res.json() as Promise<{ password: boolean; options: { allowCredentials: Array<{ id: string }> } }>;
      }, email);
      // Issue 10 row 5a: the answer for an address with an account looks like any other's.
      assert.equal(answer.password, true, 'a passwordless account is not told apart by a missing password field');
      assert.deepEqual(answer.options.allowCredentials, [], 'no credential ids: the discoverable passkey answers');
      await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await tokensAtCallback(second);
    });

    it('lists, renames, adds and deletes passkeys in the account menu; a deleted passkey cannot sign in', async () => {
      await page.goto(`${tobira.issuer}/account`);
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      await page.locator('#overview-passkeys').click();
      await page.getByRole('heading', { level: 1, name: 'Passkeys' }).waitFor();
      const first = page.locator('#passkeys li.passkey').first();
      assert.equal(await first.locator('.passkey-sync').innerText(), 'This device only');
      assert.notEqual(await first.locator('.passkey-last-used').innerText(), 'Never');
      const firstId = await first.getAttribute('data-credential-id');
      assert.ok(firstId);

      // Renaming is behind "Rename": no form is open until then.
      assert.equal(await first.getByLabel('New name').isVisible(), false);
      await first.locator('summary').click();
      await first.getByLabel('New name').fill('Keiko\'s phone');
      await first.getByRole('button', { name: 'Rename', exact: true }).click();
      await page.getByText('The passkey was renamed.').waitFor();
      assert.equal(await page.locator('li.passkey .passkey-name').first().innerText(), 'Keiko\'s phone');

      // A second phone: the first authenticator is put away (it already holds a passkey for this account).
      const firstPhoneCredentials = await phone.credentials();
      await phone.session.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: phone.authenticatorId });
      const secondPhone = await addVirtualAuthenticator(context, page);
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByText('The passkey was added.').waitFor();
      assert.equal(await page.locator('#passkeys li.passkey').count(), 2);
      await screenshot(page, 'passkeys-en');

      // Delete opens a confirmation page that says what ends; only its button deletes.
      await page.getByRole('link', { name: 'Delete: Keiko\'s phone' }).click();
      await page.getByRole('heading', { level: 1, name: 'Delete the passkey “Keiko\'s phone”?' }).waitFor();
      assert.deepEqual(await page.locator('#consequences li').allInnerTexts(), [
        'You can no longer sign in with this passkey.',
        'Your other passkeys, phones, signed-in browsers and connected services stay as they are.',
      ]);
      assert.ok(await tobira.store.passkeys.findByCredentialId(firstId), 'the confirmation page deletes nothing');
      await page.getByRole('button', { name: 'Delete the passkey' }).click();
      await page.getByText('The passkey was deleted. It can no longer sign in.').waitFor();
      assert.equal(new URL(page.url()).pathname, '/account/passkeys');
      assert.equal(await page.locator('#passkeys li.passkey').count(), 1);
      const account = await tobira.store.accounts.findByEmail(email);
      assert.equal(await tobira.store.passkeys.findByCredentialId(firstId), undefined);
      await page.waitForFunction((id) => (window as unknown as { __signals: Array<[string, { credentialId?: string }]> }).__signals
        .some(([name, arg]) => name === 'signalUnknownCredential' && arg.credentialId === id), firstId);
      const sent = await signals();
      assert.ok(sent.some(([name, arg]) => name === 'signalAllAcceptedCredentials' && !arg.allAcceptedCredentialIds?.includes(firstId)));

      // The last passkey of a passwordless account is its only way in: deleting it is refused.
      await page.getByRole('link', { name: /^Delete:/ }).click();
      assert.match(await page.locator('[role=alert]').innerText(), /only way to sign in, so it cannot be deleted/);
      assert.equal(await page.getByRole('button', { name: 'Delete the passkey' }).count(), 0, 'no button to try anyway');
      assert.equal((await tobira.store.passkeys.listByAccount(account!.id)).length, 1);

      // The deleted passkey, still on the old phone, is refused and the phone is told to forget it.
      await signOut();
      const secondPhoneCredentials = await secondPhone.credentials();
      await secondPhone.session.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: secondPhone.authenticatorId });
      const oldPhone = await addVirtualAuthenticator(context, page);
      for (const credential of firstPhoneCredentials) {
        await oldPhone.session.send('WebAuthn.addCredential', { authenticatorId: oldPhone.authenticatorId, credential });
      }
      await autofill(false);
      await authorize();
      await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await page.locator('#passkey-error').filter({ hasText: 'not registered with tobira' }).waitFor();
      assert.match(page.url(), /\/interaction\//, 'still on the sign-in page');
      await page.waitForFunction((id) => (window as unknown as { __signals: Array<[string, { credentialId?: string }]> }).__signals
        .some(([name, arg]) => name === 'signalUnknownCredential' && arg.credentialId === id), firstId);

      // Back to the phone whose passkey is still registered.
      await oldPhone.session.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: oldPhone.authenticatorId });
      phone = await addVirtualAuthenticator(context, page);
      for (const credential of secondPhoneCredentials) {
        await phone.session.send('WebAuthn.addCredential', { authenticatorId: phone.authenticatorId, credential });
      }
    });

    it('a partner that requires acr phr gets a passkey sign-in, never a password', async () => {
      const passwordUser = `pw.${kind}@example.com`;
      // A password account exists and is signed in with its password in a second browser.
      const other = await browser.newContext({ locale: 'en-US' });
      await other.addInitScript(instrument);
      await other.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, body: 'partner callback' }));
      const otherPage = await other.newPage();
      const plain = await startAuthorization(config);
      await otherPage.goto(plain.url.href);
      await otherPage.getByRole('link', { name: 'Create one' }).click();
      await passwordSignUpIn(otherPage, passwordUser, 'Password Person', 'correct horse battery staple');
      await otherPage.getByRole('button', { name: 'Allow' }).click();
      await otherPage.waitForURL(`${PARTNER_CALLBACK}**`);
      assert.equal((await redeem(config, plain, otherPage.url())).claims()?.acr, 'urn:tobira:acr:password');

      // Now the partner asks for phr: the password session is not enough, and no password field is offered.
      const strict = await startAuthorization(config, { acr_values: 'phr' });
      await otherPage.goto(strict.url.href);
      await otherPage.getByText('requires you to sign in with a passkey').waitFor();
      assert.equal(await otherPage.locator('input[type=password]').count(), 0);
      await other.close();
    });

    it('shows the sign-in, sign-up and passkey pages in Japanese', async () => {
      const ja = await browser.newContext({ locale: 'ja-JP' });
      const jaPage = await ja.newPage();
      const pending = await startAuthorization(config);
      await jaPage.goto(pending.url.href);
      await jaPage.getByRole('button', { name: '生体認証・画面ロックでログイン' }).waitFor();
      assert.equal(await jaPage.locator('html').getAttribute('lang'), 'ja');
      await screenshot(jaPage, 'signin-ja');
      await jaPage.getByRole('link', { name: '新規登録' }).click();
      await jaPage.getByRole('button', { name: '確認コードを送る' }).waitFor();
      await screenshot(jaPage, 'signup-ja');
      await ja.close();

      // The account menu, switched to Japanese (remembered from then on); signed out by the
      // previous test, so the menu first sends the user through the sign-in page.
      await autofill(false);
      await page.goto(`${tobira.issuer}/account?lang=ja`);
      assert.match(page.url(), /\/interaction\//, 'signed out: the account menu asks to sign in first');
      await page.getByRole('button', { name: '生体認証・画面ロックでログイン' }).click();
      await page.getByRole('heading', { name: 'アカウント' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
      await page.locator('#overview-passkeys').click();
      await page.getByRole('heading', { level: 1, name: 'パスキー' }).waitFor();
      await screenshot(page, 'passkeys-ja');
    });
  });
}
