// The identifier-first sign-in page in real Chromium, in Japanese and in English (issue 11 item 3):
// after the e-mail, one main way and the others under "other ways to sign in", chosen by
// src/interactions/sign-in-plan.ts from what the browser says about itself and, only for the
// account this browser is already linked to, what that account has. An address typed in a
// browser without that link (registered or not) gets the very same page.
// The phones are set up over HTTP (a software authenticator, Web Push to a loopback receiver).
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { member, passkeySignIn } from '../support/account-menu.ts';
import { phoneStandIns } from '../support/browser-phone.ts';
import { passkeySignUpInBrowser } from '../support/browser-signup.ts';
import { launchChromium } from '../support/chromium.ts';
import { backAtPartner } from '../support/partner-callback.ts';
import { PARTNER_CALLBACK, PASSWORD, redeem, startAuthorization, type PendingAuthorization } from '../support/partner.ts';
import { usePushTobira, type Phone } from '../support/push-harness.ts';
import { screenshot } from '../support/screenshots.ts';
import { nextStep } from '../support/sign-in-page.ts';
import { addVirtualAuthenticator } from '../support/virtual-authenticator.ts';
import { pages as ja } from '../../src/i18n/ja/pages.ts';
import { pages as en } from '../../src/i18n/en/pages.ts';

const LANGS = {
  ja: { locale: 'ja-JP', t: ja, allow: '許可する' },
  en: { locale: 'en-US', t: en, allow: 'Allow' },
} as const;

interface PlanAnswer { primary: string; others: string[]; startAtOnce: boolean; alwaysPasskey: boolean }

describe('the sign-in page: one obvious next step, nothing told to a stranger (real Chromium, memory store)', function () {
  this.timeout(120_000);
  const suite = usePushTobira('memory', { smtp: true });
  const { h } = suite;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** A desktop browser (1280×800) in the language; the partner's callback answered. */
  async function pcIn(lang: keyof typeof LANGS): Promise<{ context: BrowserContext; page: Page; plans: PlanAnswer[] }> {
    const context = await browser.newContext({ locale: LANGS[lang].locale, viewport: { width: 1280, height: 800 } });
    await context.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, body: 'partner callback' }));
    const page = await context.newPage();
    // Every plan the page was given, as the server sent it.
    const plans: PlanAnswer[] = [];
    page.on('response', (res) => {
      if (res.url().endsWith('/ways') && res.ok()) void res.json().then((body: PlanAnswer) => plans.push(body)).catch(() => undefined);
    });
    return { context, page, plans };
  }

  /** A partner's sign-in; `prompt=login` where the browser is still signed in at suite.tobira. */
  async function openSignIn(page: Page, params: Record<string, string> = {}): Promise<PendingAuthorization> {
    const pending = await startAuthorization(suite.config, params);
    await page.goto(pending.url.href);
    return pending;
  }

  async function tokens(page: Page, lang: keyof typeof LANGS, pending: PendingAuthorization) {
    const callback = await backAtPartner(page, page.getByRole('button', { name: LANGS[lang].allow }), 15_000);
    // The callback page (answered by the route) has loaded: nothing is left to interrupt a next visit.
    await page.waitForURL((url) => url.href.startsWith(PARTNER_CALLBACK), { waitUntil: 'load' });
    return redeem(suite.config, pending, callback);
  }

  /** The ways in view and folded, by their blocks' ids (what a user can see without a dev tool). */
  async function waysOnPage(page: Page): Promise<{ main: string[]; folded: string[] }> {
    return page.evaluate(() => {
      const shown = (slot: string) => Array.from(document.querySelectorAll(`${slot} > .way`)).filter((el) => !(el as HTMLElement).hidden).map((el) => el.id);
      return { main: shown('#primary-way'), folded: shown('#other-ways-list') };
    });
  }

  /** The phone's request for `email` as the suite.receiver got it. */
  async function pushedTo(phone: Phone & { token?: string }, since: number): Promise<string> {
    const push = await suite.receiver.waitFor((m) => suite.receiver.messages.indexOf(m) >= since && (m.payload as { type?: string }).type === 'approval');
    void phone;
    return (push.payload as { approvalId: string }).approvalId;
  }

  for (const lang of ['ja', 'en'] as const) {
    const { t } = LANGS[lang];

    it(`${lang}: an account with a passkey on this browser: "Next" starts that passkey, nothing else is offered`, async () => {
      const email = `plan.passkey.${lang}@example.com`;
      const { context, page, plans } = await pcIn(lang);
      // No passkey autofill in this browser (the virtual authenticator would answer it at once):
      // the user types the address and presses "Next".
      await context.addInitScript(phoneStandIns, { subscription: null, noAutofill: true });
      const authenticator = await addVirtualAuthenticator(context, page);
      // Chris signs up with a passkey on this PC: the browser is his from now on.
      await passkeySignUpInBrowser(page, suite.tobira.issuer, suite.smtp, email, 'Chris');
      const uses = (await authenticator.credentials())[0]?.signCount ?? 0;

      const pending = await openSignIn(page, { prompt: 'login' });
      await page.locator('#email').fill(email);
      await page.locator('#next-button').click();
      const result = await tokens(page, lang, pending);
      assert.deepEqual(plans.at(-1), { primary: 'passkey', others: [], startAtOnce: true, alwaysPasskey: false }, 'its passkey, and nothing it does not have');
      assert.equal(result.claims()?.acr, 'phr');
      assert.equal((await authenticator.credentials())[0]?.signCount, uses + 1, 'one passkey ceremony, started by "Next"');
      await context.close();
    });

    it(`${lang}: an always-passkey account with a phone, on a PC: the first time its phone is one fold away; once linked, "Next" notifies the phone at once`, async () => {
      const email = `plan.phone.${lang}@example.com`;
      const phone = await h.phoneFor(suite.config, email);
      const account = await suite.store.accounts.findByEmail(email);
      await suite.store.accounts.setSignInMode(account!.id, { passwordHash: null, alwaysPasskey: true }, new Date());
      // Its password gone, the phone signs in with its own passkey (as after turning the mode on).
      await passkeySignIn(suite.tobira.issuer, suite.config, phone.browser, phone.key, { prompt: 'login' });
      const { context, page, plans } = await pcIn(lang);

      // A PC that has never signed in as Aki: the page cannot know she has a phone.
      let pending = await openSignIn(page);
      await page.locator('#email').fill(email);
      assert.equal((await nextStep(page)).primary, 'password');
      assert.deepEqual(await waysOnPage(page), { main: ['password-row'], folded: ['way-push', 'way-passkey'] });
      assert.equal(await page.locator('#push-button').isVisible(), false, 'folded away');
      assert.equal(await page.locator('#other-ways-summary').innerText(), t['login.other_ways']);
      await page.locator('#other-ways-summary').click();
      let since = suite.receiver.messages.length;
      await page.locator('#push-button').click();
      // The number box is in the page from the start, hidden and empty until the request is answered.
      await page.locator('#push-number').waitFor();
      const number = await page.locator('#push-number').innerText();
      let approved = await h.approveOn(phone, await pushedTo(phone, since), number);
      assert.equal(approved.status, 200, approved.body);
      assert.equal((await tokens(page, lang, pending)).claims()?.acr, 'urn:tobira:acr:push');

      // Signed in here once: the PC is linked to Aki. "Next" is all she presses.
      pending = await openSignIn(page, { prompt: 'login' });
      await page.locator('#email').fill(email);
      since = suite.receiver.messages.length;
      await page.locator('#next-button').click();
      await page.locator('#push-wait').waitFor();
      const approvalId = await pushedTo(phone, since);
      assert.deepEqual(plans.at(-1), { primary: 'push', others: [], startAtOnce: true, alwaysPasskey: true });
      assert.equal(await page.locator('#always-passkey-note').isVisible(), false, 'the waiting panel is the page');
      assert.equal(await page.locator('#push-wait-title').innerText(), t['push.wait_title']);
      await screenshot(page, `sign-in-plan-push-at-once-${lang}`);
      approved = await h.approveOn(phone, approvalId, '');
      assert.equal(approved.status, 200, approved.body);
      assert.equal((await tokens(page, lang, pending)).claims()?.acr, 'urn:tobira:acr:push');
      await context.close();
    });

    it(`${lang}: a password-only account on a PC: "Next" starts no passkey, the password is the one way, in view at 1280×800`, async () => {
      const ben = await member(suite.tobira.issuer, suite.config, `plan.password.${lang}@example.com`);
      const { context, page, plans } = await pcIn(lang);
      await addVirtualAuthenticator(context, page);
      for (const visit of ['first', 'linked'] as const) {
        const pending = await openSignIn(page, visit === 'linked' ? { prompt: 'login' } : {});
        await page.locator('#email').fill(ben.email);
        assert.equal((await nextStep(page)).primary, 'password');
        assert.equal(await page.locator('#passkey-error').isVisible(), false, 'no passkey ceremony ran and failed');
        const box = await page.locator('#password').boundingBox();
        assert.ok(box && box.y + box.height < 800, `the password field is above the fold (y=${box?.y})`);
        assert.equal(await page.locator('#password-submit').getAttribute('class'), 'primary');
        if (visit === 'linked') {
          assert.deepEqual(plans.at(-1), { primary: 'password', others: [], startAtOnce: false, alwaysPasskey: false }, 'no phone or passkey he does not have');
          assert.deepEqual(await waysOnPage(page), { main: ['password-row'], folded: [] });
          await screenshot(page, `sign-in-plan-password-${lang}`);
        }
        await page.locator('#password').fill(PASSWORD);
        await page.locator('#password-submit').click();
        assert.equal((await tokens(page, lang, pending)).claims()?.acr, 'urn:tobira:acr:password');
      }
      await context.close();
    });

    it(`${lang}: an unknown address gets the page a registered one gets, "Notify my phone" included`, async () => {
      const ben = await member(suite.tobira.issuer, suite.config, `plan.same.ben.${lang}@example.com`);
      const aki = `plan.same.aki.${lang}@example.com`;
      await h.phoneFor(suite.config, aki);
      const akiAccount = await suite.store.accounts.findByEmail(aki);
      await suite.store.accounts.setSignInMode(akiAccount!.id, { passwordHash: null, alwaysPasskey: true }, new Date());
      const { context, page } = await pcIn(lang);
      const seen = [];
      for (const email of [ben.email, aki, `plan.same.nobody.${lang}@example.com`]) {
        await openSignIn(page);
        await page.locator('#email').fill(email);
        const plan = await nextStep(page);
        const ways = await waysOnPage(page);
        const text = (await page.locator('main').innerText()).replaceAll(email, 'EMAIL');
        await page.locator('#other-ways-summary').click();
        await page.locator('#push-button').click();
        await page.locator('#push-number').waitFor();
        const waiting = {
          label: await page.locator('#push-number-label').innerText(),
          number: /^\d{2}$/.test(await page.locator('#push-number').innerText()),
          status: await page.locator('#push-status').innerText(),
          countdown: (await page.locator('#push-countdown').innerText()).replace(/\d/g, '0'),
        };
        seen.push({ plan, ways, text, waiting });
      }
      assert.deepEqual(seen[1], seen[0], 'an always-passkey account with a phone looks like a password account');
      assert.deepEqual(seen[2], seen[0], 'no account looks like an account');
      assert.equal(seen[0]?.waiting.status, t['push.sent']);
      await context.close();
    });
  }
});
