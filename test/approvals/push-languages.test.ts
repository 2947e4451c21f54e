// The phone names the asking browser in the phone's language, not the asking page's (issue 11
// review gap): the approval page, the phone's list of requests and the notification.
import assert from 'node:assert/strict';
import { browserWith, CHROME_ON_MAC } from '../support/account-menu.ts';
import { jsonOf, usePushTobira } from '../support/push-harness.ts';
import { browserLabel } from '../../src/browsers/browser-label.ts';

describe('the asking browser named in the phone\'s language (memory store)', function () {
  this.timeout(60_000);
  const suite = usePushTobira('memory');
  const { h } = suite;

  it('a Japanese PC asking an English phone: the phone reads "Chrome 131 on macOS", and in Japanese once it switches', async () => {
    const phone = await h.phoneFor(suite.config, 'lang.phone@example.com');
    // The phone was set up in English; the PC's page is Japanese.
    const en = browserLabel(CHROME_ON_MAC, 'en');
    const ja = browserLabel(CHROME_ON_MAC, 'ja');
    assert.notEqual(ja, en);

    const pcBrowser = browserWith(CHROME_ON_MAC);
    await pcBrowser.jar.setCookie('suite.tobira.lang=ja; Path=/', suite.tobira.issuer);
    const since = suite.receiver.messages.length;
    const pc = await h.pcRequests(suite.config, phone.email, pcBrowser);
    const id = String(pc.started.approvalId);
    const push = await suite.receiver.waitFor((m) => suite.receiver.messages.indexOf(m) >= since && (m.payload as { approvalId?: string }).approvalId === id);
    const payload = push.payload as { browser: string; body: string; lang: string };
    assert.equal(payload.lang, 'en');
    assert.equal(payload.browser, en, 'the notification names it in the phone\'s language');
    assert.ok(payload.body.includes(en), payload.body);

    const page = await phone.browser.follow(`${suite.tobira.issuer}/device/approve/${id}`);
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(`id="ctx-browser">${en}<`), 'in the phone\'s English');
    assert.ok(!page.body.includes(ja), 'not the PC page\'s Japanese');
    const listed = jsonOf(await phone.browser.request(`${suite.tobira.issuer}/device/api/approvals`, { headers: { accept: 'application/json' } })).approvals as Array<{ context: { browser: string } }>;
    assert.equal(listed[0]?.context.browser, en);

    // The phone switched to Japanese: its pages follow.
    const japanese = await phone.browser.follow(`${suite.tobira.issuer}/device/approve/${id}?lang=ja`);
    assert.ok(japanese.body.includes(`id="ctx-browser">${ja}<`), 'in Japanese on a Japanese phone page');
  });
});
