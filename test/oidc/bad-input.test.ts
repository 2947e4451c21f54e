// Every bad input named by the foundation issue: refused with the standard OAuth/OIDC error or a
// clear page, nothing stored, and never a redirect to a URI the partner did not register.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import request from 'supertest';
import { HttpBrowser, errorCodeOf, type Page } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PASSWORD, passwordStep, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import type { WeakPasswordError } from '../../src/accounts/errors.ts';
import { checkPasswordStrength } from '../../src/accounts/password-policy.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { LIMITS } from '../../src/limits/limits.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

/** The refusal's text on a form, as the user reads it. */
function formErrorOf(page: Page): string {
  const html = /<p class="error"[^>]*id="form-error"[^>]*>([^<]*)<\/p>/.exec(page.body)?.[1] ?? '';
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#34;': '"', '&#39;': "'", '&quot;': '"' };
  return html.replace(/&(amp|lt|gt|quot|#34|#39);/g, (entity) => entities[entity] ?? entity);
}

for (const kind of FEATURE_STORES) {
  describe(`bad input is refused (${kind} store)`, () => {
    let tobira: RunningTobira;
    let config: oidc.Configuration;

    before(async () => {
      tobira = await startTobira({ store: kind, clients: [partnerClient()] });
      config = await discover(tobira.issuer);
    });
    after(() => tobira.close());

    function authUrl(params: Record<string, string>): string {
      const url = new URL('/auth', tobira.issuer);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.pathname + url.search;
    }

    const validParams = {
      client_id: 'partner-web',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: PARTNER_CALLBACK,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 'st',
    };

    it('an unknown client gets an error page, not a redirect', async () => {
      const res = await request(tobira.issuer).get(authUrl({ ...validParams, client_id: 'no-such-client' })).set('accept-language', 'en');
      assert.equal(res.status, 400);
      assert.equal(res.headers.location, undefined);
      assert.match(res.text, /data-code="invalid_client"/);
    });

    it('an unregistered redirect_uri gets an error page and is never redirected to', async () => {
      const res = await request(tobira.issuer).get(authUrl({ ...validParams, redirect_uri: 'https://attacker.example/steal' }));
      assert.equal(res.status, 400);
      assert.equal(res.headers.location, undefined);
      assert.match(res.text, /data-code="invalid_redirect_uri"/);
      assert.doesNotMatch(res.text, /(href|action)="https:\/\/attacker/, 'no link or form leads to the unregistered URI');
    });

    it('an authorization request without PKCE is refused', async () => {
      const { code_challenge: _c, code_challenge_method: _m, ...noPkce } = validParams;
      const res = await request(tobira.issuer).get(authUrl(noPkce));
      assert.equal(res.status, 303);
      const location = new URL(res.headers.location!);
      assert.equal(location.origin + location.pathname, PARTNER_CALLBACK);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description') ?? '', /PKCE/);
    });

    it('PKCE with the plain method is refused', async () => {
      const res = await request(tobira.issuer).get(authUrl({ ...validParams, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }));
      assert.equal(res.status, 303);
      const location = new URL(res.headers.location!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
    });

    it('implicit and hybrid response types are refused', async () => {
      for (const responseType of ['id_token', 'code id_token', 'token']) {
        const res = await request(tobira.issuer).get(authUrl({ ...validParams, response_type: responseType, nonce: 'n' }));
        assert.ok([303, 400].includes(res.status), responseType);
        const error = res.status === 303 ? new URL(res.headers.location!.replace('#', '?')).searchParams.get('error') : /data-code="([^"]+)"/.exec(res.text)?.[1];
        assert.equal(error, 'unsupported_response_type', responseType);
      }
    });

    it('a partner cannot use response_type none (reserved for the first-party account menu)', async () => {
      const res = await request(tobira.issuer).get(authUrl({ ...validParams, response_type: 'none' }));
      assert.equal(res.status, 303);
      const location = new URL(res.headers.location!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description') ?? '', /response_type is not allowed for this client/);
    });

    it('the password grant does not exist', async () => {
      const res = await request(tobira.issuer).post('/token').auth('partner-web', (partnerClient().client_secret as string))
        .type('form').send({ grant_type: 'password', username: 'a@example.com', password: PASSWORD });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'unsupported_grant_type');
    });

    describe('at the token endpoint', () => {
      let browser: HttpBrowser;
      before(async () => {
        browser = new HttpBrowser();
        const pending = await startAuthorization(config);
        await redeem(config, pending, (await signUpAndConsent(browser, pending, `token.${kind}@example.com`)).url);
      });

      async function freshCode(): Promise<{ pending: Awaited<ReturnType<typeof startAuthorization>>; callback: string }> {
        const pending = await startAuthorization(config);
        let page = await browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
        // A reused code revokes its grant, so a later test may meet the consent page again.
        if (!page.url.startsWith(PARTNER_CALLBACK)) page = await browser.submit(page, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
        assert.ok(page.url.startsWith(PARTNER_CALLBACK), page.url);
        return { pending, callback: page.url };
      }

      it('a wrong PKCE verifier is invalid_grant, and the code stays unused', async () => {
        const { pending, callback } = await freshCode();
        await assert.rejects(redeem(config, { ...pending, verifier: oidc.randomPKCECodeVerifier() }, callback), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      });

      it('a reused authorization code is invalid_grant and revokes the tokens issued from it', async () => {
        const { pending, callback } = await freshCode();
        const tokens = await redeem(config, pending, callback);
        assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true);
        await assert.rejects(redeem(config, pending, callback), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
        assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
      });

      it('a wrong client secret is invalid_client', async () => {
        const { pending, callback } = await freshCode();
        const wrong = await discover(tobira.issuer, 'partner-web', 'wrong-secret-wrong-secret-wrong-secret-00');
        await assert.rejects(redeem(wrong, pending, callback), (err: oidc.ResponseBodyError) => err.error === 'invalid_client');
        // The code was not burnt by the failed attempt.
        const tokens = await redeem(config, pending, callback);
        assert.ok(tokens.access_token);
      });

      it('an oversized token request is refused', async () => {
        const res = await request(tobira.issuer).post('/token').auth('partner-web', String(partnerClient().client_secret))
          .type('form').send(`grant_type=authorization_code&code=${'x'.repeat(200_000)}`);
        assert.ok([400, 413].includes(res.status), `status ${res.status}`);
      });
    });

    describe('on the interaction pages', () => {
      /** A sign-in page's password sign-up at its last step: `email` proven by its code. */
      async function interactionPage(browser: HttpBrowser, email: string): Promise<{ uid: string; signup: Awaited<ReturnType<HttpBrowser['follow']>> }> {
        const pending = await startAuthorization(config);
        const login = await browser.follow(pending.url.href);
        const uid = /\/interaction\/([^/?]+)/.exec(login.url)?.[1];
        assert.ok(uid);
        return { uid, signup: await passwordStep(browser, login, email) };
      }

      it('an unknown interaction shows a clear page', async () => {
        const browser = new HttpBrowser();
        const page = await browser.follow(`${tobira.issuer}/interaction/unknown-uid`);
        assert.equal(page.status, 400);
        assert.equal(errorCodeOf(page), 'interaction_expired');
      });

      it('an interaction removed from the store shows a clear page and stores nothing', async () => {
        const browser = new HttpBrowser();
        const email = `gone.${kind}@example.com`;
        const { uid, signup } = await interactionPage(browser, email);
        await tobira.store.oidc('Interaction').destroy(uid);
        const page = await browser.submit(signup, '/signup/password', { name: 'Late', password: PASSWORD });
        assert.equal(page.status, 400);
        assert.equal(errorCodeOf(page), 'interaction_expired');
        assert.equal(await tobira.store.accounts.findByEmail(email), undefined);
      });

      it('a form post without the CSRF token is refused and stores nothing', async () => {
        const browser = new HttpBrowser();
        const email = `csrf.${kind}@example.com`;
        const { uid } = await interactionPage(browser, email);
        const page = await browser.request(`${tobira.issuer}/interaction/${uid}/signup/password`, { form: { name: 'X', password: PASSWORD } });
        assert.equal(page.status, 403);
        assert.equal(errorCodeOf(page), 'csrf_failed');
        const forged = await browser.request(`${tobira.issuer}/interaction/${uid}/signup/password`, { form: { _csrf: 'forged', name: 'X', password: PASSWORD } });
        assert.equal(forged.status, 403);
        assert.equal(await tobira.store.accounts.findByEmail(email), undefined);
      });

      it('a malformed body is refused with invalid_input', async () => {
        const browser = new HttpBrowser();
        const { uid } = await interactionPage(browser, `malformed.${kind}@example.com`);
        const page = await browser.request(`${tobira.issuer}/interaction/${uid}/password`, { method: 'POST', body: '{"email": ', headers: { 'content-type': 'application/json', accept: 'application/json' } });
        assert.equal(page.status, 400);
        assert.equal(JSON.parse(page.body).error, 'invalid_input');
      });

      it('an oversized body is refused with payload_too_large and stores nothing', async () => {
        const browser = new HttpBrowser();
        const email = `big.${kind}@example.com`;
        const { uid, signup } = await interactionPage(browser, email);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(signup.body)?.[1] ?? '';
        const page = await browser.request(`${tobira.issuer}/interaction/${uid}/signup/password`, { form: { _csrf: csrf, name: 'x'.repeat(100_000), password: PASSWORD } });
        assert.equal(page.status, 413);
        assert.equal(errorCodeOf(page), 'payload_too_large');
        assert.equal(await tobira.store.accounts.findByEmail(email), undefined);
      });

      it('invalid sign-up fields are shown on the form and store nothing', async () => {
        const browser = new HttpBrowser();
        const login = await browser.follow((await startAuthorization(config)).url.href);
        const emailPage = await browser.follow(`${login.url}/signup?method=password`);
        const badEmail = await browser.submit(emailPage, '/signup/email', { email: 'not-an-email' });
        assert.equal(badEmail.status, 400);
        assert.equal(errorCodeOf(badEmail), 'invalid_input');
        const email = `short.${kind}@example.com`;
        const { signup } = await interactionPage(browser, email);
        const weak = await browser.submit(signup, '/signup/password', { name: 'X', password: 'short' });
        assert.equal(weak.status, 400);
        assert.equal(errorCodeOf(weak), 'weak_password');
        assert.equal(await tobira.store.accounts.findByEmail(email), undefined);
      });

      it('a guessable sign-up password is refused with the password policy\'s reason (as at reset) and stores nothing', async () => {
        for (const password of ['passwordpassword', '123456789012', 'aaaaaaaaaaaa']) {
          const browser = new HttpBrowser();
          const email = `guessable.${password}.${kind}@example.com`;
          const { signup } = await interactionPage(browser, email);
          const page = await browser.submit(signup, '/signup/password', { name: 'Guess', password });
          assert.equal(page.status, 400, password);
          assert.equal(errorCodeOf(page), 'weak_password', password);
          // The same refusal, word for word, as a password reset or turning "Always passkey" off gives.
          const policy = await (async () => {
            try {
              await checkPasswordStrength(password, [email, 'Guess']);
            } catch (err) {
              return err as InstanceType<typeof WeakPasswordError>;
            }
            assert.fail(`${password} passes the password policy`);
          })();
          assert.equal(formErrorOf(page), policy.messages.en);
          assert.match(formErrorOf(page), /^This password is too easy to guess\. \S/);
          assert.equal(await tobira.store.accounts.findByEmail(email), undefined, password);
        }
      });

      it('stops judging passwords on one proven sign-up after ten tries (429, Retry-After), stores nothing, and leaves other sign-ups alone', async () => {
        const browser = new HttpBrowser();
        const email = `many.tries.${kind}@example.com`;
        const { signup } = await interactionPage(browser, email);
        const cap = LIMITS.signupPasswordTries.cap;
        for (let i = 0; i < cap; i += 1) {
          const weak = await browser.submit(signup, '/signup/password', { name: 'Many', password: `passwordpassword${i}` });
          assert.equal(errorCodeOf(weak), 'weak_password', `try ${i + 1}`);
        }
        const spent = await browser.submit(signup, '/signup/password', { name: 'Many', password: PASSWORD });
        assert.equal(spent.status, 429);
        assert.equal(errorCodeOf(spent), 'signup_password_tries_spent');
        assert.ok(Number(spent.headers.get('retry-after')) > 0);
        assert.equal(await tobira.store.accounts.findByEmail(email), undefined, 'not even a strong password is taken past the cap');

        const other = new HttpBrowser();
        const otherEmail = `other.tries.${kind}@example.com`;
        const done = await other.submit((await interactionPage(other, otherEmail)).signup, '/signup/password', { name: 'Other', password: PASSWORD });
        assert.notEqual(errorCodeOf(done), 'signup_password_tries_spent');
        assert.ok(await tobira.store.accounts.findByEmail(otherEmail), 'another sign-up goes through');
      });

      it('signing up twice with one e-mail never reaches the password step; the first account is unchanged', async () => {
        const email = `twice.${kind}@example.com`;
        const first = new HttpBrowser();
        const { signup } = await interactionPage(first, email);
        await first.submit(signup, '/signup/password', { name: 'First', password: PASSWORD }, PARTNER_CALLBACK);
        const before = await tobira.store.accounts.findByEmail(email);
        // Issue 10 row 5b: the second sign-up gets the code page like anyone; no code was sent.
        const second = new HttpBrowser();
        await assert.rejects(interactionPage(second, email), /no code mailed/);
        assert.deepEqual(await tobira.store.accounts.findByEmail(email), before);
      });
    });
  });
}

describe('an interaction past its lifetime', () => {
  it('shows a clear page and stores nothing', async () => {
    let offset = 0;
    const store = await freshStore('memory', { now: () => Date.now() + offset });
    const tobira = await startTobira({ store, clients: [partnerClient()] });
    try {
      const config = await discover(tobira.issuer);
      const browser = new HttpBrowser();
      const login = await browser.follow((await startAuthorization(config)).url.href);
      const signup = await passwordStep(browser, login, 'late@example.com');
      offset = (loadSettings({}).ttl.interaction + 60) * 1000;
      const page = await browser.submit(signup, '/signup/password', { name: 'Late', password: PASSWORD });
      assert.equal(page.status, 400);
      assert.equal(errorCodeOf(page), 'interaction_expired');
      assert.equal(await store.accounts.findByEmail('late@example.com'), undefined);
    } finally {
      await tobira.close();
      await store.close();
    }
  });
});

describe('tokens are visible only to the partner they were issued to', () => {
  it('another client can neither introspect nor revoke them', async () => {
    const other = partnerClient({ client_id: 'other-partner', client_secret: 'other-secret-0123456789-abcdefghijklmnopqrstuvwxyz' });
    const tobira = await startTobira({ store: 'memory', clients: [partnerClient(), other] });
    try {
      const config = await discover(tobira.issuer);
      const otherConfig = await discover(tobira.issuer, 'other-partner', String(other.client_secret));
      const browser = new HttpBrowser();
      const pending = await startAuthorization(config);
      const tokens = await redeem(config, pending, (await signUpAndConsent(browser, pending, 'mine@example.com')).url);
      assert.equal((await oidc.tokenIntrospection(otherConfig, tokens.access_token)).active, false);
      await oidc.tokenRevocation(otherConfig, tokens.access_token);
      assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true, 'still valid after the other client tried to revoke it');
    } finally {
      await tobira.close();
    }
  });
});
