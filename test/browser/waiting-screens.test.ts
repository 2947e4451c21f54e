// The waiting and approving screens in real Chromium, in Japanese and in English (issue 11 item
// 6): on the PC, "notify my phone" turns the page into a waiting panel with the number at the top,
// the other ways hidden, a countdown to the request's expiry and "use another way", which stops
// waiting and brings the form back; on the phone, the buttons look disabled once the request is
// decided and the text says what happens next, not "go back to the sign-in screen".
// The phone is set up over HTTP (a software authenticator) and its cookies are carried into a
// Chromium context, which denies (no passkey needed); the approval is then made over HTTP.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { backAtPartner } from '../support/partner-callback.ts';
import { PARTNER_CALLBACK, startAuthorization } from '../support/partner.ts';
import { usePushTobira, type Phone } from '../support/push-harness.ts';
import { screenshot } from '../support/screenshots.ts';
import { notifyPhoneFor, showWay } from '../support/sign-in-page.ts';

const TEXTS = {
  ja: {
    locale: 'ja-JP',
    waitTitle: 'スマートフォンで承認してください',
    countdown: /^あと [12]:[0-5]\d で期限が切れます$/,
    denied: '拒否しました。',
    withdrawn: 'このリクエストは、ログインしようとした画面で取り下げられました。このスマートフォンでの操作は不要です。',
    approvedNot: /ログイン画面に戻ってください/,
    approved: /自動的に先に進みます/,
    notifiedTitle: 'ログインのリクエスト',
  },
  en: {
    locale: 'en-US',
    waitTitle: 'Approve on your phone',
    countdown: /^Expires in [12]:[0-5]\d$/,
    denied: 'Denied.',
    withdrawn: 'This request was withdrawn on the screen that asked. Nothing to do on this phone.',
    approvedNot: /Go back to the sign-in screen/,
    approved: /continues by itself/,
    notifiedTitle: 'Sign-in request',
  },
} as const;

describe('waiting and approving screens in real Chromium (memory store)', function () {
  this.timeout(90_000);
  const suite = usePushTobira('memory');
  const { h } = suite;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** The phone's cookies (session, device, language) in a Chromium phone context. */
  async function phoneContext(phone: Phone, locale: string): Promise<BrowserContext> {
    const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
    const seen = new Map<string, { name: string; value: string; url: string }>();
    for (const path of ['/', '/device/', '/device/approve/x', '/account/']) {
      for (const c of await phone.browser.jar.getCookies(`${suite.tobira.issuer}${path}`)) seen.set(`${c.key}|${c.path}`, { name: c.key, value: c.value, url: `${suite.tobira.issuer}${c.path ?? '/'}` });
    }
    await context.addCookies([...seen.values()]);
    return context;
  }

  async function askPhone(pc: Page, email: string): Promise<void> {
    const pending = await startAuthorization(suite.config);
    await pc.goto(pending.url.href);
    await notifyPhoneFor(pc, email);
    await pc.locator('#push-number').waitFor();
  }

  it('a browser without server-sent events polls, and an approval completes its sign-in once', async () => {
    const email = 'waiting.polling@example.com';
    const phone = await h.phoneFor(suite.config, email, 'en');
    const pcContext = await browser.newContext({ locale: 'en-US' });
    await pcContext.addInitScript(() => { Reflect.deleteProperty(window, 'EventSource'); });
    await pcContext.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, body: 'partner callback' }));
    // The sign-in's completion answers slowly, past the page's next poll (every 2 s): a page that
    // kept polling after the approval would complete the sign-in again.
    const completions: string[] = [];
    await pcContext.route('**/push/*/complete', async (route) => {
      completions.push(route.request().url());
      const response = await route.fetch();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await route.fulfill({ response });
    });
    const pc = await pcContext.newPage();
    /** A poll of the request's status: GET …/push/<approval id>. */
    const isPoll = (url: string): boolean => /\/push\/[^/]+$/.test(new URL(url).pathname);
    const polls: string[] = [];
    pc.on('request', (request) => { if (isPoll(request.url())) polls.push(request.url()); });
    try {
      const pushesBefore = suite.receiver.messages.length;
      await askPhone(pc, email);
      const number = await pc.locator('#push-number').innerText();
      const push = await suite.receiver.waitFor((m) => suite.receiver.messages.indexOf(m) >= pushesBefore && m.token === phone.token);
      await pc.waitForRequest((request) => isPoll(request.url()), { timeout: 5_000 });
      const approved = await h.approveOn(phone, (push.payload as { approvalId: string }).approvalId, number);
      assert.equal(approved.status, 200, approved.body);
      await backAtPartner(pc, pc.getByRole('button', { name: 'Allow' }), 15_000);
      assert.equal(completions.length, 1, 'the sign-in was completed once');
      assert.ok(polls.length >= 1, 'the page polled the request\'s status');
    } finally {
      await pcContext.close();
    }
  });

  for (const lang of ['ja', 'en'] as const) {
    const text = TEXTS[lang];

    it(`${lang}: the PC waits with the number at the top, a countdown and "use another way"; the phone shows what happened`, async () => {
      const email = `waiting.${lang}@example.com`;
      const phone = await h.phoneFor(suite.config, email, lang);
      const pcContext = await browser.newContext({ locale: text.locale, viewport: { width: 1280, height: 800 } });
      await pcContext.route(`${PARTNER_CALLBACK}**`, (route) => route.fulfill({ status: 200, body: 'partner callback' }));
      const pc = await pcContext.newPage();
      const phoneCtx = await phoneContext(phone, text.locale);
      const phonePage = await phoneCtx.newPage();
      try {
        const pushesBefore = suite.receiver.messages.length;
        await askPhone(pc, email);
        const push = await suite.receiver.waitFor((m) => suite.receiver.messages.indexOf(m) >= pushesBefore && m.token === phone.token);
        const payload = push.payload as { approvalId: string; title: string };
        assert.equal(payload.title, text.notifiedTitle, 'the notification says what it is, in the phone\'s language');

        // The waiting panel is the page: its heading, the number near the top, the rest hidden.
        assert.equal(await pc.locator('#push-wait-title').innerText(), text.waitTitle);
        const numberBox = await pc.locator('#push-number').boundingBox();
        assert.ok(numberBox && numberBox.y + numberBox.height < 480, `the number is in the upper part of a 1280×800 screen, not at its bottom edge (y=${numberBox?.y})`);
        assert.equal(await pc.locator('#sign-in-ways').isVisible(), false, 'the form is hidden while waiting');
        assert.equal(await pc.locator('#password').isVisible(), false);
        assert.match(await pc.locator('#push-countdown').innerText(), text.countdown);
        const first = await pc.locator('#push-countdown').innerText();
        await pc.waitForFunction((before) => document.getElementById('push-countdown')?.textContent !== before, first, { timeout: 5_000 });
        await screenshot(pc, `push-wait-${lang}`);

        // "Use another way" stops waiting: the form is back and the panel gone.
        await pc.locator('#push-other-way').click();
        await pc.locator('#sign-in-ways').waitFor();
        assert.equal(await pc.locator('#push-wait').isVisible(), false);
        assert.equal(await pc.locator('#email').inputValue(), email, 'what was typed is kept');

        // "Use another way" withdrew the first request: the phone says so, with nothing to press.
        await phonePage.goto(`${suite.tobira.issuer}/device/approve/${payload.approvalId}`);
        await phonePage.locator('#approve-result').filter({ hasText: text.withdrawn }).waitFor();
        assert.equal(await phonePage.locator('#deny-button').isDisabled(), true);
        assert.equal(await phonePage.locator('#report-button').isDisabled(), true);
        assert.equal((await suite.store.approvals.find(payload.approvalId))?.status, 'withdrawn');

        // Asked again: the phone, already showing the request, sees it withdrawn without a reload.
        const third = suite.receiver.messages.length;
        await showWay(pc, 'push');
        await pc.locator('#push-button').click();
        await pc.locator('#push-number').waitFor();
        const asked = await suite.receiver.waitFor((m) => suite.receiver.messages.indexOf(m) >= third && m.token === phone.token);
        const secondId = (asked.payload as { approvalId: string }).approvalId;
        await phonePage.goto(`${suite.tobira.issuer}/device/approve/${secondId}`);
        await phonePage.locator('#deny-button:enabled').waitFor();
        await pc.locator('#push-other-way').click();
        await phonePage.locator('#approve-result').filter({ hasText: text.withdrawn }).waitFor();
        await screenshot(phonePage, `approve-withdrawn-${lang}`);

        // Asked again, the phone denies: every button looks disabled, the text says so.
        const fourth = suite.receiver.messages.length;
        await showWay(pc, 'push');
        await pc.locator('#push-button').click();
        await pc.locator('#push-number').waitFor();
        const deniedAsk = await suite.receiver.waitFor((m) => suite.receiver.messages.indexOf(m) >= fourth && m.token === phone.token);
        await phonePage.goto(`${suite.tobira.issuer}/device/approve/${(deniedAsk.payload as { approvalId: string }).approvalId}`);
        assert.doesNotMatch(String(await phonePage.locator('#approve').getAttribute('data-msg-approved')), text.approvedNot);
        assert.match(String(await phonePage.locator('#approve').getAttribute('data-msg-approved')), text.approved);
        await phonePage.locator('#deny-button').click();
        await phonePage.locator('#approve-result').filter({ hasText: text.denied }).waitFor();
        for (const id of ['#deny-button', '#report-button']) {
          assert.equal(await phonePage.locator(id).isDisabled(), true);
          const opacity = await phonePage.locator(id).evaluate((el) => getComputedStyle(el).opacity);
          assert.ok(Number(opacity) < 0.6, `${id} looks disabled (opacity ${opacity})`);
        }
        for (const choice of await phonePage.locator('button.choice').all()) {
          assert.ok(Number(await choice.evaluate((el) => getComputedStyle(el).opacity)) < 0.6, 'a number button looks disabled');
        }
        await screenshot(phonePage, `approve-denied-${lang}`);

        // Asked again ("notify again" on the PC's denied panel) and approved (over HTTP): the PC,
        // which waits again, continues by itself.
        const before = suite.receiver.messages.length;
        await pc.locator('#push-retry').click();
        await pc.locator('#push-number').waitFor();
        const number = await pc.locator('#push-number').innerText();
        const again = await suite.receiver.waitFor((m) => suite.receiver.messages.indexOf(m) >= before && m.token === phone.token);
        const approved = await h.approveOn(phone, (again.payload as { approvalId: string }).approvalId, number);
        assert.equal(approved.status, 200, approved.body);
        const allow = lang === 'ja' ? '許可する' : 'Allow';
        await Promise.race([
          pc.waitForRequest((req) => req.url().startsWith(PARTNER_CALLBACK), { timeout: 15_000 }),
          pc.getByRole('button', { name: allow }).waitFor({ timeout: 15_000 }),
        ]);
      } finally {
        await pcContext.close();
        await phoneCtx.close();
      }
    });
  }
});
