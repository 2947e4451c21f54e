// States that are true (issue 11 items 6 and 8), over HTTP: a passwordless account is not told its
// password will be deleted; the always-passkey notices are account notices shown at the top of
// the menu; oidc-provider's error pages speak the page's language; the push notification says it is
// a sign-in request in the language the phone was set up in; browser labels follow the page.
import assert from 'node:assert/strict';
import { browserWith, FIREFOX_ON_WINDOWS, member } from '../support/account-menu.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { usePushTobira } from '../support/push-harness.ts';

describe('states that are true (memory store)', function () {
  this.timeout(30_000);
  const suite = usePushTobira('memory');
  const { h } = suite;
  after(async () => {
    await suite.store.close();
  });

  it('the push notification says it is a sign-in request, in the language each phone was set up in', async () => {
    for (const [lang, title, body] of [
      ['ja', 'ログインのリクエスト', /^Partner Shop へのログイン.*タップして確認してください。$/],
      ['en', 'Sign-in request', /^(Sign-in to Partner Shop \(.+\)|A request to sign in to Partner Shop)\. Tap to review\.$/],
    ] as const) {
      const phone = await h.phoneFor(suite.config, `notified.${lang}@example.com`, lang);
      const account = await suite.store.accounts.findByEmail(phone.email);
      assert.equal((await suite.store.devices.listByAccount(account!.id))[0]?.lang, lang, 'the phone keeps its language');
      const pc = await h.pcRequests(suite.config, phone.email);
      assert.equal(typeof pc.started.expiresInSeconds, 'number');
      assert.ok(Number(pc.started.expiresInSeconds) > 60 && Number(pc.started.expiresInSeconds) <= 120, 'the seconds left, for the countdown');
      const push = await suite.receiver.waitFor((m) => m.token === phone.token && (m.payload as { type?: string }).type === 'approval');
      const payload = push.payload as { title: string; body: string; lang: string };
      assert.equal(payload.title, title);
      assert.match(payload.body, body);
      assert.equal(payload.lang, lang);
    }
  });

  it('a passwordless account is told neither "a password works too" nor "your password will be deleted"', async () => {
    const phone = await h.phoneFor(suite.config, 'nopassword@example.com', 'en');
    const account = await suite.store.accounts.findByEmail(phone.email);
    await suite.store.accounts.setSignInMode(account!.id, { passwordHash: null, alwaysPasskey: false }, new Date());
    for (const [lang, wrong, right] of [
      ['en', /current password is deleted|password will be deleted/i, /This account has no password, so nothing is deleted/],
      ['ja', /現在のパスワードは削除され/, /このアカウントにはパスワードがないため、削除されるものはありません/],
    ] as const) {
      const page = await phone.browser.follow(`${suite.tobira.issuer}/account/always-passkey/on?lang=${lang}`);
      assert.equal(page.status, 200, page.body.slice(0, 300));
      assert.doesNotMatch(page.body, wrong);
      assert.match(page.body, right);
    }
  });

  it('the notice after switching always passkey is an account notice, at the top of the menu', async () => {
    const m = await member(suite.tobira.issuer, suite.config, 'notice@example.com');
    for (const [lang, text] of [['en', '"Always passkey" is on'], ['ja', '「いつもパスキー設定」をオンにしました']] as const) {
      const menu = await m.browser.follow(`${suite.tobira.issuer}/account?notice=always_passkey_on&lang=${lang}`);
      const top = /<p class="notice" role="status" id="notice">([^<]*)</.exec(menu.body)?.[1] ?? '';
      assert.ok(top.replace(/&#34;/g, '"').includes(text), `the top notice in ${lang}: ${top}`);
    }
  });

  it('an unknown client gets an error page in the page\'s language, never oidc-provider\'s English', async () => {
    const url = `${suite.tobira.issuer}/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://nowhere.example/cb')}`;
    const ja = await new HttpBrowser().follow(url, { headers: { 'accept-language': 'ja' } });
    assert.equal(ja.status, 400);
    assert.match(ja.body, /data-code="invalid_client"/);
    assert.doesNotMatch(ja.body, /client is invalid/);
    assert.match(ja.body, /このサービスは tobira に登録されていないか/);
    const en = await new HttpBrowser().follow(url, { headers: { 'accept-language': 'en' } });
    assert.match(en.body, /This service is not registered with tobira/);
  });

  it('browser labels are in the page\'s language', async () => {
    const m = await member(suite.tobira.issuer, suite.config, 'labels@example.com', browserWith(FIREFOX_ON_WINDOWS));
    const ja = await m.browser.follow(`${suite.tobira.issuer}/account/history?lang=ja`);
    assert.match(ja.body, /Firefox 128（Windows）/);
    assert.doesNotMatch(ja.body, /Firefox 128 on Windows/);
    const en = await m.browser.follow(`${suite.tobira.issuer}/account/history?lang=en`);
    assert.match(en.body, /Firefox 128 on Windows/);
  });
});
