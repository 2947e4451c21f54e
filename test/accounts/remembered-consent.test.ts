// "Remember this decision" is kept per account and partner: the next sign-in to that partner goes
// without the consent page after the partner signed the user out and in a browser never used
// before; scopes beyond what was allowed are still asked for; not remembering, or disconnecting the
// partner in the account menu, brings the consent page back.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { csrfOf, menuOf, passwordSignIn } from '../support/account-menu.ts';
import { HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PARTNER_HOME, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

function asksConsent(page: Page): boolean {
  return /action="[^"]*\/consent"/.test(page.body);
}

for (const kind of FEATURE_STORES) {
  describe(`remembered consent (${kind} store)`, () => {
    let tobira: RunningTobira;
    let config: oidc.Configuration;

    before(async () => {
      tobira = await startTobira({ store: kind, clients: [partnerClient({ post_logout_redirect_uris: [PARTNER_HOME] })] });
      config = await discover(tobira.issuer);
    });
    after(() => tobira.close());

    async function signUp(email: string, remember: boolean): Promise<{ browser: HttpBrowser; idToken: string }> {
      const browser = new HttpBrowser();
      const pending = await startAuthorization(config);
      const callback = await signUpAndConsent(browser, pending, email, remember);
      const tokens = await redeem(config, pending, callback.url);
      return { browser, idToken: tokens.id_token ?? '' };
    }

    it('is not asked again after the partner signed the user out, nor in a new browser', async () => {
      const { browser, idToken } = await signUp(`kept.${kind}@example.com`, true);
      const confirm = await browser.follow(oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: PARTNER_HOME }).href);
      const out = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }, PARTNER_HOME);
      assert.ok(out.url.startsWith(PARTNER_HOME), out.url);

      const sameBrowser = await passwordSignIn(config, browser, `kept.${kind}@example.com`);
      assert.ok(sameBrowser.url.startsWith(PARTNER_CALLBACK), `straight back to the partner after its sign-out, got ${sameBrowser.url}`);
      const newBrowser = await passwordSignIn(config, new HttpBrowser(), `kept.${kind}@example.com`);
      assert.ok(newBrowser.url.startsWith(PARTNER_CALLBACK), `straight back to the partner in a new browser, got ${newBrowser.url}`);
      assert.equal(new URL(newBrowser.url).searchParams.get('error'), null);
    });

    it('still asks for scopes beyond what was allowed, and remembers the wider decision', async () => {
      const email = `wider.${kind}@example.com`;
      await signUp(email, true);
      const browser = new HttpBrowser();
      const wider = await passwordSignIn(config, browser, email, undefined, { scope: 'openid email profile phone' });
      assert.ok(asksConsent(wider), 'the phone scope was never allowed');
      await browser.submit(wider, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      const again = await passwordSignIn(config, new HttpBrowser(), email, undefined, { scope: 'openid email profile phone' });
      assert.ok(again.url.startsWith(PARTNER_CALLBACK), again.url);
    });

    it('asks again in a new browser when the decision was not remembered', async () => {
      const email = `once.${kind}@example.com`;
      await signUp(email, false);
      const page = await passwordSignIn(config, new HttpBrowser(), email);
      assert.ok(asksConsent(page), 'consent is asked');
    });

    it('lists the partner in the menu after its sign-out, and disconnecting it brings the consent page back', async () => {
      const email = `menu.${kind}@example.com`;
      const { browser, idToken } = await signUp(email, true);
      const confirm = await browser.follow(oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: PARTNER_HOME }).href);
      await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }, PARTNER_HOME);

      const menuBrowser = new HttpBrowser();
      await passwordSignIn(config, menuBrowser, email);
      const menu = await menuOf(tobira.issuer, menuBrowser, 'services');
      assert.match(menu.body, /data-client-id="partner-web"/);
      const done = await menuBrowser.request(`${tobira.issuer}/account/services/revoke`, { form: { _csrf: csrfOf(await menuOf(tobira.issuer, menuBrowser)), client: 'partner-web' } });
      assert.equal(done.status, 303);
      assert.doesNotMatch((await menuOf(tobira.issuer, menuBrowser, 'services')).body, /data-client-id="partner-web"/);

      const page = await passwordSignIn(config, new HttpBrowser(), email);
      assert.ok(asksConsent(page), 'consent is asked again after disconnecting');
    });
  });
}
