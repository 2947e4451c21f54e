// What a newcomer does first: open the demo partner page, sign up, allow, and see the result.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { passwordSignUpIn } from '../support/browser-signup.ts';
import { launchChromium } from '../support/chromium.ts';
import { screenshot } from '../support/screenshots.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { pages as ja } from '../../src/i18n/ja/pages.ts';
import { pages as en } from '../../src/i18n/en/pages.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

for (const kind of FEATURE_STORES) {
  describe(`demo partner in real Chromium (${kind} store)`, () => {
    let browser: Browser;
    let tobira: RunningTobira;

    before(async () => {
      browser = await launchChromium();
      tobira = await startTobira({ store: kind, env: { DEMO: 'true' } });
    });
    after(async () => {
      await browser?.close();
      await tobira?.close();
    });

    it('signs up through tobira, consents, and the demo partner shows the ID token claims; sign-out ends the session', async () => {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });

      await page.goto(`${tobira.issuer}/demo`);
      await page.getByRole('link', { name: 'Sign in with tobira' }).click();
      await page.waitForURL(/\/interaction\//);
      await page.getByRole('link', { name: 'Create one' }).click();
      await passwordSignUpIn(page, `demo.${kind}@example.com`, 'Demo User', 'correct horse battery staple');

      await page.getByRole('heading', { name: 'Allow access' }).waitFor();
      assert.match(await page.locator('main').innerText(), /tobira demo partner is asking for access to/);
      await screenshot(page, 'consent-en');
      await page.getByRole('button', { name: 'Allow' }).click();

      await page.waitForURL(`${tobira.issuer}/demo`);
      const claims = JSON.parse(await page.locator('#claims').innerText()) as Record<string, unknown>;
      assert.equal(claims.iss, tobira.issuer);
      assert.equal(claims.aud, 'tobira-demo');
      assert.equal(claims.acr, 'urn:tobira:acr:password');
      assert.deepEqual(claims.amr, ['pwd']);
      const account = await tobira.store.accounts.findByEmail(`demo.${kind}@example.com`);
      assert.equal(claims.sub, account?.id);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign out of tobira too', exact: true }).click();
      await page.waitForURL(`${tobira.issuer}/demo`);
      await page.getByRole('link', { name: 'Sign in with tobira' }).click();
      await page.waitForURL(/\/interaction\//);
      assert.ok(await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).isVisible(), 'signed out: tobira asks to sign in again');
      assert.deepEqual(errors, [], 'no console errors (e.g. CSP violations)');
      await context.close();
    });

    it('shows the sign-in page in Japanese to a Japanese browser', async () => {
      const context = await browser.newContext({ locale: 'ja-JP' });
      const page = await context.newPage();
      await page.goto(`${tobira.issuer}/demo`);
      await page.getByRole('link', { name: 'tobira でログイン' }).click();
      await page.waitForURL(/\/interaction\//);
      assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
      assert.ok(await page.getByLabel('メールアドレス').isVisible());
      await screenshot(page, 'login-ja');
      await context.close();
    });

    for (const { lang, locale, text } of [{ lang: 'ja', locale: 'ja-JP', text: ja }, { lang: 'en', locale: 'en-US', text: en }] as const) {
      it(`${lang}: cancel at sign-in ends at the demo partner showing what it got (access_denied), not a 500`, async () => {
        const context = await browser.newContext({ locale });
        const page = await context.newPage();
        await page.goto(`${tobira.issuer}/demo`);
        await page.locator('#demo-signin').click();
        await page.waitForURL(/\/interaction\//);
        await page.getByRole('button', { name: text['login.cancel'].replace('{client}', 'tobira demo partner') }).click();
        await page.waitForURL(/\/demo\/callback/);
        await page.locator('#refused').waitFor();
        assert.equal(await page.locator('#refused-error').innerText(), 'access_denied');
        assert.ok((await page.locator('#refused-description').innerText()).length > 0, 'the error_description is shown');
        const main = await page.locator('main').innerText();
        assert.ok(main.includes(text['demo.refused_denied']), main);
        assert.ok(main.includes(text['demo.signin']), 'a way to try again');
        assert.ok(!main.includes(text['error.title']), main);
        await context.close();
      });

      it(`${lang}: deny at consent ends at the demo partner showing access_denied, not a 500`, async () => {
        const context = await browser.newContext({ locale });
        const page = await context.newPage();
        const responses: number[] = [];
        page.on('response', (r) => { if (r.url().includes('/demo/callback')) responses.push(r.status()); });
        await page.goto(`${tobira.issuer}/demo`);
        await page.locator('#demo-signin').click();
        await page.waitForURL(/\/interaction\//);
        // The password sign-up, by element ids so that both languages share it: e-mail, the mailed
        // code, then name and password.
        const email = `deny.${lang}.${kind}@example.com`;
        await page.locator('a[href$="/signup"]').click();
        await page.locator('a[href$="/signup?method=password"]').click();
        await page.locator('#email').fill(email);
        const marks = SmtpSink.marks();
        await page.locator('button[type=submit]').click();
        await page.locator('#code').fill(await SmtpSink.codeSentTo(email, marks));
        await page.locator('button[type=submit]').click();
        await page.locator('#name').fill('Denier');
        await page.locator('#password').fill('correct horse battery staple');
        await page.locator('button[type=submit]').click();
        await page.getByRole('button', { name: text['consent.deny'] }).click();
        await page.waitForURL(/\/demo\/callback/);
        await page.locator('#refused').waitFor();
        assert.equal(await page.locator('#refused-error').innerText(), 'access_denied');
        assert.ok((await page.locator('main').innerText()).includes(text['demo.refused_denied']));
        assert.deepEqual(responses, [200]);
        await context.close();
      });
    }
  });
}
