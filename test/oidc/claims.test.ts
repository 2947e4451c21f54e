// Issue 10, "claims that tell the truth to partners", checked with openid-client as the partner:
// email_verified after a proven sign-up, the phone scope's verified contact mobile, and
// prompt=none with acr_values=phr over a weaker session.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { member } from '../support/account-menu.ts';
import type { HttpBrowser } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, partnerClient, redeem, startAuthorization } from '../support/partner.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

for (const kind of FEATURE_STORES) {
  describe(`claims partners receive (${kind} store)`, () => {
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;

    before(async () => {
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()] });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
    });

    /** An authorization in `browser` (signed in already), consented with `scope`; the tokens. */
    async function authorize(browser: HttpBrowser, scope: string): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
      const pending = await startAuthorization(config, { scope });
      let page = await browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
      if (!page.url.startsWith(PARTNER_CALLBACK)) page = await browser.submit(page, '/consent', {}, PARTNER_CALLBACK);
      return redeem(config, pending, page.url);
    }

    it('the phone scope is advertised and returns the verified contact mobile, only with consent to it', async () => {
      assert.ok(config.serverMetadata().scopes_supported?.includes('phone'));
      assert.ok(config.serverMetadata().claims_supported?.includes('phone_number'));
      const m = await member(tobira.issuer, config, `claims.phone.${kind}@example.com`);
      const none = await authorize(m.browser, 'openid phone');
      const sub = none.claims()!.sub;
      const withoutMobile = await oidc.fetchUserInfo(config, none.access_token, sub);
      assert.equal(withoutMobile.phone_number, undefined, 'no contact mobile, no phone claim');
      assert.equal(withoutMobile.phone_number_verified, undefined);

      await store.accounts.setContact(m.accountId, 'mobile', { value: '+819012345678', verifiedAt: new Date() }, new Date());
      const phone = await authorize(m.browser, 'openid phone');
      const userinfo = await oidc.fetchUserInfo(config, phone.access_token, sub);
      assert.equal(userinfo.phone_number, '+819012345678');
      assert.equal(userinfo.phone_number_verified, true);

      const emailOnly = await authorize(m.browser, 'openid email');
      const withoutScope = await oidc.fetchUserInfo(config, emailOnly.access_token, sub);
      assert.equal(withoutScope.phone_number, undefined, 'not without the phone scope');
      assert.equal(withoutScope.email_verified, true, 'the sign-up proved the address');
    });

    it('prompt=none with acr_values=phr over a password session answers login_required', async () => {
      const m = await member(tobira.issuer, config, `claims.phr.${kind}@example.com`);
      const pending = await startAuthorization(config, { prompt: 'none', acr_values: 'phr' });
      const callback = await m.browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
      assert.ok(callback.url.startsWith(PARTNER_CALLBACK), callback.url);
      await assert.rejects(redeem(config, pending, callback.url), (err: unknown) => {
        assert.ok(err instanceof oidc.AuthorizationResponseError, String(err));
        assert.equal(err.error, 'login_required');
        return true;
      });
      // Without phr the same session is used silently.
      const silent = await startAuthorization(config, { prompt: 'none' });
      const tokens = await redeem(config, silent, (await m.browser.follow(silent.url.href, {}, PARTNER_CALLBACK)).url);
      assert.equal(tokens.claims()?.acr, 'urn:tobira:acr:password');
    });
  });
}
