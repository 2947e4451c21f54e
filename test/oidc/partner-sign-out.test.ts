// A partner's own sign-out (RP-initiated logout with id_token_hint) always ends the user's session
// at that partner; the page asks only whether tobira's session ends too, naming the partner and both
// outcomes in the page's language. "Only the partner" keeps the tobira session (the next sign-in
// to a partner needs no password); "tobira too" ends it. Signing out from tobira's own menu asks
// the plain question.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PARTNER_HOME, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

describe('partner sign-out page', () => {
  let tobira: RunningTobira;
  let config: oidc.Configuration;

  before(async () => {
    tobira = await startTobira({ store: 'memory', clients: [partnerClient({ client_name: 'Sakura Books', post_logout_redirect_uris: [PARTNER_HOME] })] });
    config = await discover(tobira.issuer);
  });
  after(() => tobira.close());

  async function signedIn(email: string): Promise<{ browser: HttpBrowser; idToken: string }> {
    const browser = new HttpBrowser();
    const pending = await startAuthorization(config);
    const callback = await signUpAndConsent(browser, pending, email);
    const tokens = await redeem(config, pending, callback.url);
    return { browser, idToken: tokens.id_token ?? '' };
  }

  function signOutPage(browser: HttpBrowser, idToken: string, lang: string): Promise<Page> {
    return browser.follow(oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: PARTNER_HOME }).href, { headers: { 'accept-language': lang } });
  }

  async function signInAgain(browser: HttpBrowser): Promise<Page> {
    const pending = await startAuthorization(config);
    return browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
  }

  it('names the partner and asks only about tobira, in Japanese and English', async () => {
    const { browser, idToken } = await signedIn('bye.lang@example.com');
    const ja = await signOutPage(browser, idToken, 'ja');
    assert.match(ja.body, /<h1>tobira からもログアウトしますか？<\/h1>/);
    assert.match(ja.body, /Sakura Books からログアウトします。/);
    assert.match(ja.body, /id="logout-partner-only">Sakura Books だけログアウトする</);
    assert.doesNotMatch(ja.body, /ログインしたままにする/);
    const en = await signOutPage(browser, idToken, 'en');
    assert.match(en.body, /<h1>Sign out of tobira too\?<\/h1>/);
    assert.match(en.body, /id="logout-everywhere">Sign out of tobira too</);
    assert.match(en.body, /id="logout-partner-only">Sign out of Sakura Books only</);
  });

  it('"only the partner" returns to the partner and keeps the tobira session', async () => {
    const { browser, idToken } = await signedIn('bye.partner@example.com');
    const page = await signOutPage(browser, idToken, 'en');
    const back = await browser.submit(page, '/session/end/confirm', {}, PARTNER_HOME);
    assert.ok(back.url.startsWith(PARTNER_HOME), back.url);
    const again = await signInAgain(browser);
    assert.ok(again.url.startsWith(PARTNER_CALLBACK), `signed in again without a sign-in page, got ${again.url}`);
  });

  it('"tobira too" ends the tobira session', async () => {
    const { browser, idToken } = await signedIn('bye.all@example.com');
    const page = await signOutPage(browser, idToken, 'en');
    const back = await browser.submit(page, '/session/end/confirm', { logout: 'yes' }, PARTNER_HOME);
    assert.ok(back.url.startsWith(PARTNER_HOME), back.url);
    const again = await signInAgain(browser);
    assert.match(again.url, /\/interaction\//, 'the sign-in page again');
  });

  it('asks the plain question when the user signs out from tobira itself', async () => {
    const { browser } = await signedIn('bye.menu@example.com');
    const page = await browser.follow(`${tobira.issuer}/session/end`, { headers: { 'accept-language': 'ja' } });
    assert.match(page.body, /<h1>ログアウト<\/h1>/);
    assert.match(page.body, /tobira からログアウトしますか？/);
    assert.match(page.body, /id="logout-partner-only">ログアウトしない</);
    assert.doesNotMatch(page.body, /Sakura Books/);
  });
});
