// The phone names the asking browser in the phone's language, not the asking page's (issue 11
// review gap): the approval page, the phone's list of requests and the notification.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import { browserWith, CHROME_ON_MAC } from '../support/account-menu.ts';
import { discover } from '../support/partner.ts';
import { harness, jsonOf, startPushTobira } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { freshStore } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';
import { browserLabel } from '../../src/browsers/browser-label.ts';
import type { Store } from '../../src/store/types.ts';

describe('the asking browser named in the phone\'s language (memory store)', function () {
  this.timeout(60_000);
  let store: Store;
  let tobira: RunningTobira;
  let receiver: PushReceiver;
  let config: oidc.Configuration;
  const h = harness(() => tobira.issuer, () => receiver);

  before(async () => {
    receiver = new PushReceiver();
    await receiver.start();
    store = await freshStore('memory');
    tobira = await startPushTobira(store);
    config = await discover(tobira.issuer);
  });
  after(async () => {
    await tobira?.close();
    await store?.close();
    await receiver?.stop();
  });

  it('a Japanese PC asking an English phone: the phone reads "Chrome 131 on macOS", and in Japanese once it switches', async () => {
    const phone = await h.phoneFor(config, 'lang.phone@example.com');
    // The phone was set up in English; the PC's page is Japanese.
    const en = browserLabel(CHROME_ON_MAC, 'en');
    const ja = browserLabel(CHROME_ON_MAC, 'ja');
    assert.notEqual(ja, en);

    const pcBrowser = browserWith(CHROME_ON_MAC);
    await pcBrowser.jar.setCookie('tobira.lang=ja; Path=/', tobira.issuer);
    const since = receiver.messages.length;
    const pc = await h.pcRequests(config, phone.email, pcBrowser);
    const id = String(pc.started.approvalId);
    const push = await receiver.waitFor((m) => receiver.messages.indexOf(m) >= since && (m.payload as { approvalId?: string }).approvalId === id);
    const payload = push.payload as { browser: string; body: string; lang: string };
    assert.equal(payload.lang, 'en');
    assert.equal(payload.browser, en, 'the notification names it in the phone\'s language');
    assert.ok(payload.body.includes(en), payload.body);

    const page = await phone.browser.follow(`${tobira.issuer}/device/approve/${id}`);
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(`id="ctx-browser">${en}<`), 'in the phone\'s English');
    assert.ok(!page.body.includes(ja), 'not the PC page\'s Japanese');
    const listed = jsonOf(await phone.browser.request(`${tobira.issuer}/device/api/approvals`, { headers: { accept: 'application/json' } })).approvals as Array<{ context: { browser: string } }>;
    assert.equal(listed[0]?.context.browser, en);

    // The phone switched to Japanese: its pages follow.
    const japanese = await phone.browser.follow(`${tobira.issuer}/device/approve/${id}?lang=ja`);
    assert.ok(japanese.body.includes(`id="ctx-browser">${ja}<`), 'in Japanese on a Japanese phone page');
  });
});
