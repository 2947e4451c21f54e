// The console's signing keys page in real Chromium: an admin who signed in with a passkey sees the
// keys with their states and dates, generates the next keys (published at once), is refused a
// promotion before the publish time (shown on the page, nothing changed), promotes once it has
// passed (openid-client then gets ID tokens signed by the new key), and removes the retired keys
// from /jwks at once. Each step is audited with the admin's account.
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import type * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { passkeySignUpAtPartner } from '../support/browser-signup.ts';
import { launchChromium } from '../support/chromium.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { signIn } from '../support/id-token-replay.ts';
import { discover, partnerClient, PARTNER_CALLBACK, startAuthorization } from '../support/partner.ts';
import { adminCall, ADMIN_TOKEN } from '../support/recovery-harness.ts';
import { screenshot } from '../support/screenshots.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';

const DESKTOP = { width: 1280, height: 800 };
const PUBLISH_SECONDS = 60;

async function jwksKids(issuer: string): Promise<string[]> {
  const jwks = await (await fetch(`${issuer}/jwks`)).json() as { keys: Array<{ kid: string }> };
  return jwks.keys.map((key) => key.kid).sort();
}

for (const kind of FEATURE_STORES) {
  describe(`the console's signing keys in real Chromium (${kind} store)`, function () {
    this.timeout(90_000);
    const email = `keys-admin.${kind}@example.com`;
    let tobira: RunningTobira;
    let mail: SmtpSink;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let config: oidc.Configuration;
    let offset = 0;

    before(async () => {
      mail = new SmtpSink();
      tobira = await startTobira({
        store: kind,
        clients: [partnerClient()],
        now: () => Date.now() + offset,
        env: { SMTP_URL: await mail.start(), ADMIN_TOKEN, SIGNING_KEY_PUBLISH_SECONDS: String(PUBLISH_SECONDS), SIGNING_KEYS_REFRESH_SECONDS: '1', SIGNING_KEY_ROTATION_SECONDS: '0' },
      });
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

    const rows = (state: string) => page.locator(`#keys tr[data-state="${state}"]`);
    const kidsIn = async (state: string): Promise<string[]> => (await rows(state).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kid') ?? ''))).sort();

    it('an admin signed in with a passkey sees the keys with their states', async () => {
      // A passkey sign-up at the partner, made the first admin with the bootstrap token.
      await passkeySignUpAtPartner(page, (await startAuthorization(config)).url.href, mail, email, 'Kei Keys');
      const granted = await adminCall(tobira.issuer, 'POST', '/admin/api/operators', { body: { email, role: 'admin' } });
      assert.equal(granted.status, 200, JSON.stringify(granted.json));

      await page.goto(`${tobira.issuer}/console`);
      if (page.url().includes('/interaction/')) await page.getByRole('button', { name: 'Sign in with biometrics or screen lock' }).click();
      await page.getByRole('heading', { level: 1, name: 'Console' }).waitFor();
      await page.getByRole('link', { name: 'Signing keys' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
      assert.equal(await rows('current').count(), 2);
      assert.deepEqual(await kidsIn('current'), await jwksKids(tobira.issuer));
      assert.match(await page.locator('#keys-schedule').innerText(), /Automatic rotation is off/);
    });

    it('generates the next keys, refuses an early promotion on the page, promotes after the publish time, and removes the retired keys', async () => {
      const before = await kidsIn('current');
      await page.getByRole('button', { name: 'Generate next keys' }).click();
      await page.locator('#notice').waitFor();
      assert.equal(await rows('next').count(), 2);
      const next = await kidsIn('next');
      assert.deepEqual(await jwksKids(tobira.issuer), [...before, ...next].sort(), 'published at once');
      await screenshot(page, 'console-keys-en');

      await page.getByRole('button', { name: 'Promote next keys' }).click();
      await page.locator('#form-error[data-code="signing_key_too_early"]').waitFor();
      assert.match(await page.locator('#form-error').innerText(), /has not been published in the JWKS long enough/);
      assert.deepEqual(await kidsIn('next'), next, 'nothing changed');
      assert.deepEqual(await kidsIn('current'), before);

      offset += PUBLISH_SECONDS * 1000;
      await page.goto(`${tobira.issuer}/console/keys`);
      await page.getByRole('button', { name: 'Promote next keys' }).click();
      await page.locator('#notice').waitFor();
      assert.deepEqual(await kidsIn('current'), next);
      assert.deepEqual(await kidsIn('retired'), before);
      const signedIn = await signIn(tobira.issuer, new HttpBrowser(), `keys-user.${kind}@example.com`);
      assert.ok(next.includes(String(decodeProtectedHeader(signedIn.idToken).kid)), 'openid-client gets ID tokens signed by the promoted key');
      await page.goto(`${tobira.issuer}/console/keys?lang=ja`);
      await page.getByRole('heading', { level: 1, name: '署名鍵' }).waitFor();
      await screenshot(page, 'console-keys-ja');
      await page.goto(`${tobira.issuer}/console/keys?lang=en`);

      const retiredRs = await page.locator('#keys tr[data-state="retired"][data-alg="RS256"]').getAttribute('data-kid');
      await page.getByRole('button', { name: `Remove from the JWKS now: RS256 ${retiredRs}` }).click();
      await page.locator('#notice').waitFor();
      assert.equal(await rows('retired').count(), 0, 'the whole retired generation is gone');
      assert.deepEqual(await jwksKids(tobira.issuer), next);

      const account = await tobira.store.accounts.findByEmail(email);
      const events = (await tobira.store.audit.list({ limit: 200 })).filter((e) => e.type.startsWith('signing_key.'));
      assert.deepEqual(events.map((e) => e.type).sort(), ['signing_key.generated', 'signing_key.promoted', 'signing_key.removed']);
      assert.ok(events.every((e) => e.actor === `operator:${account?.id}:${email}`), JSON.stringify(events.map((e) => e.actor)));
    });
  });
}
