// Step-up sign-ins say why (issue 11 item 7): tobira's own account pages send a signed-in user to
// sign in again with a reason, and the sign-in page shows its own heading and that reason in the
// page's language, without the partner-only links (sign-up, "cancel and return to tobira"); a
// partner cannot dress its own sign-in up as such a page; a refused password keeps the e-mail.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { member } from '../support/account-menu.ts';
import { HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, partnerClient, startAuthorization } from '../support/partner.ts';
import { freshStore } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

describe('step-up sign-in pages say why (memory store)', function () {
  this.timeout(30_000);
  let offset = 0;
  let store: Store;
  let tobira: RunningTobira;
  let config: oidc.Configuration;

  before(async () => {
    store = await freshStore('memory', { now: () => Date.now() + offset });
    tobira = await startTobira({ store, clients: [partnerClient()], now: () => Date.now() + offset });
    config = await discover(tobira.issuer);
  });
  after(async () => {
    await tobira.close();
    await store.close();
  });
  afterEach(() => { offset = 0; });

  const reasonOf = (page: Page): string | undefined => /id="reauth-reason" data-reason="([^"]+)">([^<]*)</.exec(page.body)?.[1];
  const reasonText = (page: Page): string => /id="reauth-reason" data-reason="[^"]+">([^<]*)</.exec(page.body)?.[1] ?? '';
  const h1 = (page: Page): string => /<h1[^>]*>([^<]*)<\/h1>/.exec(page.body)?.[1] ?? '';

  it('turning always passkey on after the 5-minute window: its own heading and reason, no sign-up or partner cancel, in both languages', async () => {
    const m = await member(tobira.issuer, config, 'stepup.on@example.com');
    offset = 6 * 60_000;
    for (const [lang, heading, reason, signup] of [
      ['en', 'Confirm it is you', /Turning on Always passkey needs a sign-in within the last 5 minutes/, /Create one|Sign up/],
      ['ja', '本人確認', /「いつもパスキー設定」をオンにするには、直前（5 分以内）のログインが必要です/, /新規登録/],
    ] as const) {
      const page = await m.browser.follow(`${tobira.issuer}/account/always-passkey/on?lang=${lang}`);
      assert.match(page.url, /\/interaction\//, 'sent to sign in again');
      assert.equal(reasonOf(page), 'always_passkey_on');
      assert.equal(h1(page), heading);
      assert.match(reasonText(page), reason);
      assert.doesNotMatch(page.body, /\/signup"/, 'no sign-up link');
      assert.doesNotMatch(page.body, signup);
      assert.doesNotMatch(page.body, /action="\/interaction\/[^"]+\/abort"/, 'no "cancel and return to tobira"');
      assert.match(page.body, /href="\/account" id="reauth-back"/);
      assert.match(page.body, /value="stepup\.on@example\.com"/, 'the e-mail is filled in');
    }
  });

  it('a refused password on the step-up page keeps the typed e-mail and the reason', async () => {
    const m = await member(tobira.issuer, config, 'stepup.wrong@example.com');
    offset = 6 * 60_000;
    const page = await m.browser.follow(`${tobira.issuer}/account/always-passkey/on?lang=en`);
    const refused = await m.browser.submit(page, '/password', { email: 'stepup.wrong@example.com', password: 'not the password at all' });
    assert.equal(refused.status, 401, refused.body.slice(0, 300));
    assert.equal(reasonOf(refused), 'always_passkey_on');
    assert.match(refused.body, /value="stepup\.wrong@example\.com"/);
  });

  it('a partner cannot set the reason: its sign-in page stays the partner sign-in', async () => {
    const pending = await startAuthorization(config, { tobira_reason: 'signed_out' });
    const page = await new HttpBrowser().follow(pending.url.href);
    assert.equal(page.status, 200);
    assert.equal(reasonOf(page), undefined);
    assert.equal(h1(page), 'Sign in');
    assert.match(page.body, /\/signup"/);
  });
});
