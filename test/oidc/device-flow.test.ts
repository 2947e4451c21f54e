// TV login: the device authorization grant with openid-client as the TV app, and a browser that
// enters (or scans) the code at /activate and signs in on tobira's usual pages.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import request from 'supertest';
import { HttpBrowser, errorCodeOf } from '../support/http-browser.ts';
import { partnerClient, passwordSignUp } from '../support/partner.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

for (const kind of FEATURE_STORES) {
  describe(`TV login with the device authorization grant (${kind} store)`, function () {
    this.timeout(30_000);
    let tobira: RunningTobira;
    let tv: oidc.Configuration;

    before(async () => {
      tobira = await startTobira({
        store: kind,
        clients: [partnerClient(), { client_id: 'tv-app', client_name: 'Living Room TV', grant_types: [DEVICE_CODE], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'none' }],
      });
      tv = await oidc.discovery(new URL(tobira.issuer), 'tv-app', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    });
    after(() => tobira.close());

    it('the TV shows a code and a QR code; the user confirms it, signs in, and the TV gets tokens', async () => {
      const started = await oidc.initiateDeviceAuthorization(tv, { scope: 'openid email' });
      assert.match(started.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.equal(started.verification_uri, `${tobira.issuer}/activate`);
      await assert.rejects(oidc.genericGrantRequest(tv, DEVICE_CODE, { device_code: started.device_code }), (err: oidc.ResponseBodyError) => err.error === 'authorization_pending');

      const qr = await request(tobira.issuer).get(`/activate/qr.svg?user_code=${started.user_code}`).expect(200);
      assert.equal(qr.headers['content-type'], 'image/svg+xml');
      const svg = Buffer.isBuffer(qr.body) ? qr.body.toString('utf8') : qr.text;
      assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);

      const browser = new HttpBrowser();
      // The link from the QR code answers with oidc-provider's self-submitting form; its one inline
      // script is allowed by hash in the CSP, nothing else inline is.
      const link = await browser.follow(started.verification_uri_complete!);
      const csp = link.headers.get('content-security-policy') ?? '';
      const script = /<script>([\s\S]*?)<\/script>/.exec(link.body)?.[1] ?? '';
      assert.ok(csp.includes(`'sha256-${createHash('sha256').update(script).digest('base64')}'`), csp);
      assert.doesNotMatch(csp, /unsafe-inline/);
      const confirm = await browser.submit(link, '/activate', {});
      assert.equal(/id="user-code">([^<]+)</.exec(confirm.body)?.[1], started.user_code);
      assert.match(confirm.body, /Living Room TV/);
      assert.doesNotMatch(confirm.body, /id="activate-account"/, 'nobody is signed in to tobira in this browser yet');
      const login = await browser.submit(confirm, '/activate', {});
      assert.match(login.url, /\/interaction\//, 'then the usual sign-in page (passkey, notify my phone, password)');
      assert.match(login.body, /id="passkey-button"/);
      assert.match(login.body, /id="push-button"/);
      const consent = await passwordSignUp(browser, login, `tv.${kind}@example.com`, 'TV Watcher');
      const done = await browser.submit(consent, '/consent', { remember: 'on' });
      assert.match(done.body, /id="activate-done"/);
      assert.match(done.body, /You are signed in to Living Room TV/);

      const tokens = await oidc.genericGrantRequest(tv, DEVICE_CODE, { device_code: started.device_code });
      const userinfo = await oidc.fetchUserInfo(tv, tokens.access_token, tokens.claims()!.sub);
      assert.equal(userinfo.email, `tv.${kind}@example.com`);
      await assert.rejects(oidc.genericGrantRequest(tv, DEVICE_CODE, { device_code: started.device_code }), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant', 'a device code is used once');
    });

    it('says which account the TV will be signed in as when the browser is signed in to tobira, and how to use another', async () => {
      const browser = new HttpBrowser();
      const email = `tv.known.${kind}@example.com`;
      const first = await oidc.initiateDeviceAuthorization(tv, { scope: 'openid' });
      const firstLogin = await browser.submit(await browser.submit(await browser.follow(first.verification_uri_complete!), '/activate', {}), '/activate', {});
      await browser.submit(await passwordSignUp(browser, firstLogin, email, 'TV Watcher'), '/consent', { remember: 'on' });

      const second = await oidc.initiateDeviceAuthorization(tv, { scope: 'openid' });
      await browser.follow(`${tobira.issuer}/activate?lang=ja`);
      const ja = await browser.submit(await browser.follow(second.verification_uri_complete!), '/activate', {});
      assert.match(ja.body, new RegExp(`id="activate-account">tobira のアカウント ${email.replace(/\./g, '\\.')} でログインします。<`));
      assert.match(ja.body, /<a href="\/session\/end">別のアカウントを使う<\/a>/);
      await browser.follow(`${tobira.issuer}/activate?lang=en`);
      const en = await browser.submit(await browser.follow(second.verification_uri_complete!), '/activate', {});
      assert.match(en.body, /You will be signed in with your tobira account/);

      // Signing out of tobira, then entering the same code again: no account is named any more.
      const signOut = await browser.follow(`${tobira.issuer}/session/end`);
      await browser.submit(signOut, '/session/end/confirm', { logout: 'yes' });
      const again = await browser.submit(await browser.follow(second.verification_uri_complete!), '/activate', {});
      assert.equal(/id="user-code">([^<]+)</.exec(again.body)?.[1], second.user_code, 'the code still works');
      assert.doesNotMatch(again.body, /id="activate-account"/);
    });

    it('refuses a wrong code, a malformed QR request, and tells the TV when the user cancels', async () => {
      const browser = new HttpBrowser();
      const input = await browser.follow(`${tobira.issuer}/activate`);
      assert.doesNotMatch(input.body, /onfocus=/, 'no inline script under the strict CSP');
      const wrong = await browser.submit(input, '/activate', { user_code: 'BCDF-GHJK' });
      assert.equal(wrong.status, 400);
      assert.equal(errorCodeOf(wrong), 'user_code_wrong');
      await request(tobira.issuer).get('/activate/qr.svg?user_code=<script>').expect(400);

      const started = await oidc.initiateDeviceAuthorization(tv, { scope: 'openid' });
      const confirm = await browser.submit(await browser.follow(started.verification_uri_complete!), '/activate', {});
      const aborted = await browser.submit(confirm, '/activate', { abort: 'yes' });
      assert.equal(errorCodeOf(aborted), 'user_code_aborted');
      await assert.rejects(oidc.genericGrantRequest(tv, DEVICE_CODE, { device_code: started.device_code }), (err: oidc.ResponseBodyError) => err.error === 'access_denied');
    });
  });
}
