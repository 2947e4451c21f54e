// The phone's code page (/p) in real Chromium: switching the language keeps the code, whether it
// came in the QR code's link (after '#') or was typed (issue 11 review gap). Both directions.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { freshStore } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { pages as ja } from '../../src/i18n/ja/pages.ts';
import { pages as en } from '../../src/i18n/en/pages.ts';
import type { Store } from '../../src/store/types.ts';

describe('the phone hand-off page keeps its code across the language switch (real Chromium)', function () {
  this.timeout(60_000);
  let store: Store;
  let tobira: RunningTobira;
  let browser: Browser;

  before(async () => {
    store = await freshStore('memory');
    tobira = await startTobira({ store, clients: [] });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await tobira?.close();
    await store?.close();
  });

  for (const [from, to] of [['ja', 'en'], ['en', 'ja']] as const) {
    it(`${from} → ${to}: the code from the QR link, and a typed one, are still there`, async () => {
      const texts = { ja, en };
      const context = await browser.newContext({ locale: from === 'ja' ? 'ja-JP' : 'en-US', viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      await page.goto(`${tobira.issuer}/p?lang=${from}#BCDF-GHJK`);
      assert.equal(await page.locator('h1').innerText(), texts[from]['handoff.phone_title']);
      assert.equal(await page.locator('#code').inputValue(), 'BCDF-GHJK');
      assert.equal(new URL(page.url()).hash, '', 'the code is not left in the address bar');

      await page.locator('a.lang').click();
      await page.locator('h1').filter({ hasText: texts[to]['handoff.phone_title'] }).waitFor();
      assert.equal(await page.locator('#code').inputValue(), 'BCDF-GHJK', 'the code survived the switch');
      assert.equal(new URL(page.url()).hash, '');

      // Typed by hand, then switched back.
      await page.locator('#code').fill('MNPQ-RSTV');
      await page.locator('a.lang').click();
      await page.locator('h1').filter({ hasText: texts[from]['handoff.phone_title'] }).waitFor();
      assert.equal(await page.locator('#code').inputValue(), 'MNPQ-RSTV');
      await context.close();
    });
  }
});
