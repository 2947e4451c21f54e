// Every malformed or hostile WebAuthn input the passkeys issue names, sent over HTTP to the real
// endpoints with a software authenticator that makes real attestation and assertion objects.
// Each must be refused with a clear error code, change nothing in the store and sign nobody in.
import assert from 'node:assert/strict';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import * as oidc from 'openid-client';
import { HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PASSWORD, redeem, signUpAndConsent, startAuthorization, type PendingAuthorization } from '../support/partner.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { flipByte, SoftAuthenticator, type SoftAlg, type Tamper } from '../support/soft-authenticator.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

interface SignIn {
  browser: HttpBrowser;
  pending: PendingAuthorization;
  uid: string;
  csrf: string;
}

function jsonOf(page: Page): Record<string, unknown> {
  return JSON.parse(page.body) as Record<string, unknown>;
}

for (const kind of FEATURE_STORES) {
  describe(`passkey ceremonies refuse bad input (${kind} store)`, function () {
    this.timeout(30_000);
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let sink: SmtpSink;
    let config: oidc.Configuration;
    const alice = { email: `alice.${kind}@example.com`, key: undefined as unknown as SoftAuthenticator };
    const bob = { email: `bob.${kind}@example.com`, key: undefined as unknown as SoftAuthenticator };

    async function postJson(browser: HttpBrowser, path: string, body: unknown, csrf: string, raw?: string): Promise<Page> {
      return browser.request(`${tobira.issuer}${path}`, {
        method: 'POST',
        body: raw ?? JSON.stringify(body),
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      });
    }

    function softKey(alg: SoftAlg, extra: { counterStep?: number; backupEligible?: boolean; backedUp?: boolean } = {}): SoftAuthenticator {
      return new SoftAuthenticator({ alg, origin: tobira.issuer, rpId: 'localhost', ...extra });
    }

    /** Passwordless sign-up over HTTP: e-mail, code from the real mail, name, passkey. */
    async function signUp(email: string, key: SoftAuthenticator): Promise<void> {
      const browser = new HttpBrowser();
      const pending = await startAuthorization(config);
      const login = await browser.follow(pending.url.href);
      const signup = await browser.follow(`${login.url}/signup`);
      const since = sink.messages.length;
      const codePage = await browser.submit(signup, '/signup/email', { email });
      const passkeyPage = await browser.submit(codePage, '/signup/code', { code: await sink.codeFor(email, since) });
      const uid = /data-uid="([^"]+)"/.exec(passkeyPage.body)?.[1] ?? '';
      const csrf = /data-csrf="([^"]+)"/.exec(passkeyPage.body)?.[1] ?? '';
      const options = jsonOf(await postJson(browser, `/interaction/${uid}/signup/passkey/options`, { name: email.split('@')[0] }, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
      const done = await postJson(browser, `/interaction/${uid}/signup/passkey/verify`, { response: key.register(options) }, csrf);
      assert.equal(done.status, 200, done.body);
      const consent = await browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK);
      const callback = await browser.submit(consent, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      assert.equal((await redeem(config, pending, callback.url)).claims()?.acr, 'phr');
    }

    /** Follows a verified sign-in back to the partner, allowing access if this browser is asked. */
    async function backAtPartner(signIn: SignIn, redirectTo: unknown): Promise<string> {
      let page = await signIn.browser.follow(String(redirectTo), {}, PARTNER_CALLBACK);
      if (!page.url.startsWith(PARTNER_CALLBACK)) page = await signIn.browser.submit(page, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      assert.ok(page.url.startsWith(PARTNER_CALLBACK), page.url);
      return page.url;
    }

    async function beginSignIn(params: Record<string, string> = {}): Promise<SignIn> {
      const browser = new HttpBrowser();
      const pending = await startAuthorization(config, params);
      const login = await browser.follow(pending.url.href);
      const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1];
      const csrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1];
      assert.ok(uid && csrf, `a sign-in page: ${login.url}`);
      return { browser, pending, uid, csrf };
    }

    async function options(signIn: SignIn, email?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const page = await postJson(signIn.browser, `/interaction/${signIn.uid}/passkey/options`, email ? { email } : {}, signIn.csrf);
      assert.equal(page.status, 200, page.body);
      return jsonOf(page).options as PublicKeyCredentialRequestOptionsJSON;
    }

    function verify(signIn: SignIn, response: unknown): Promise<Page> {
      return postJson(signIn.browser, `/interaction/${signIn.uid}/passkey/verify`, { response }, signIn.csrf);
    }

    /** Asserts the refusal and that no passkey record changed and the interaction still waits for a sign-in. */
    async function refused(signIn: SignIn, attempt: () => Promise<Page>, status: number, code: string): Promise<void> {
      const before = await Promise.all([alice, bob].map(async (u) => tobira.store.passkeys.listByAccount((await tobira.store.accounts.findByEmail(u.email))!.id)));
      const page = await attempt();
      assert.equal(page.status, status, page.body);
      assert.equal(jsonOf(page).error, code, page.body);
      assert.ok(String(jsonOf(page).message).length > 0, 'a message for the user');
      const after = await Promise.all([alice, bob].map(async (u) => tobira.store.passkeys.listByAccount((await tobira.store.accounts.findByEmail(u.email))!.id)));
      assert.deepEqual(after, before, 'nothing changed in the store');
      const stillLogin = await signIn.browser.follow(`${tobira.issuer}/interaction/${signIn.uid}`);
      assert.match(stillLogin.body, /id="passkey-login"/, 'nobody was signed in');
    }

    before(async () => {
      sink = new SmtpSink();
      const smtp = await sink.start();
      store = await freshStore(kind, { now: () => Date.now() + offset });
      tobira = await startTobira({ store, clients: [partnerClient()], env: { SMTP_URL: smtp }, now: () => Date.now() + offset });
      config = await discover(tobira.issuer);
      alice.key = softKey('ES256');
      bob.key = softKey('RS256');
      await signUp(alice.email, alice.key);
      await signUp(bob.email, bob.key);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await sink.stop();
    });
    afterEach(() => {
      offset = 0;
    });

    it('accepts the genuine article, ES256 and RS256, and records the use', async () => {
      for (const user of [alice, bob]) {
        const signIn = await beginSignIn();
        const response = user.key.authenticate(await options(signIn));
        const page = await verify(signIn, response);
        assert.equal(page.status, 200, page.body);
        const stored = await tobira.store.passkeys.findByCredentialId(user.key.credentialId);
        assert.equal(stored?.counter, user.key.counter);
        assert.ok(stored?.lastUsedAt);
        const claims = (await redeem(config, signIn.pending, await backAtPartner(signIn, jsonOf(page).redirectTo))).claims();
        assert.equal(claims?.sub, (await tobira.store.accounts.findByEmail(user.email))?.id);
        assert.deepEqual(claims?.amr, ['hwk', 'user', 'mfa']);
      }
    });

    const tampers: Array<[string, Tamper, string]> = [
      ['a response from another origin', { origin: 'https://evil.example' }, 'passkey_verification_failed'],
      ['a wrong RP ID hash', { rpId: 'evil.example' }, 'passkey_verification_failed'],
      ['the user-present flag missing', { userPresent: false }, 'passkey_verification_failed'],
      ['the user-verified flag missing', { userVerified: false }, 'passkey_verification_failed'],
      ['a registration response type', { type: 'webauthn.create' }, 'passkey_verification_failed'],
      ['a challenge it was not given', { challenge: Buffer.alloc(32, 1).toString('base64url') }, 'passkey_verification_failed'],
      ['tampered clientDataJSON', { mutateClientDataJSON: (b) => flipByte(b, 5) }, 'passkey_verification_failed'],
      ['tampered authenticatorData', { mutateAuthenticatorData: (b) => flipByte(b, 34) }, 'passkey_verification_failed'],
      ['a tampered signature', { mutateSignature: (b) => flipByte(b, 10) }, 'passkey_verification_failed'],
      ['the user handle of another account', { userHandle: 'B'.repeat(43) }, 'passkey_account_mismatch'],
    ];
    for (const [what, tamper, code] of tampers) {
      it(`refuses ${what}`, async () => {
        const signIn = await beginSignIn();
        const response = alice.key.authenticate(await options(signIn), tamper);
        await refused(signIn, () => verify(signIn, response), 400, code);
      });
    }

    it('refuses bob\'s real user handle on alice\'s credential', async () => {
      const signIn = await beginSignIn();
      const response = alice.key.authenticate(await options(signIn), { userHandle: bob.key.userHandle });
      await refused(signIn, () => verify(signIn, response), 400, 'passkey_account_mismatch');
    });

    it('refuses a replayed challenge (the same response twice, or in another sign-in)', async () => {
      const first = await beginSignIn();
      const response = alice.key.authenticate(await options(first));
      assert.equal((await verify(first, response)).status, 200);
      const again = await beginSignIn();
      await options(again);
      await refused(again, () => verify(again, response), 400, 'passkey_verification_failed');
      const twice = await beginSignIn();
      const once = alice.key.authenticate(await options(twice), { mutateSignature: (b) => flipByte(b, 3) });
      await refused(twice, () => verify(twice, once), 400, 'passkey_verification_failed');
      await refused(twice, () => verify(twice, alice.key.authenticate({ challenge: Buffer.alloc(32).toString('base64url') })), 400, 'challenge_expired');
    });

    it('refuses an expired challenge (older than 5 minutes)', async () => {
      const signIn = await beginSignIn();
      const response = alice.key.authenticate(await options(signIn));
      offset = 301_000;
      await refused(signIn, () => verify(signIn, response), 400, 'challenge_expired');
    });

    it('refuses an unknown credential and a deleted one', async () => {
      const stranger = softKey('ES256');
      stranger.register({ challenge: Buffer.alloc(32).toString('base64url'), rp: { id: 'localhost', name: 'x' }, user: { id: Buffer.alloc(32, 9).toString('base64url'), name: 'x', displayName: 'x' }, pubKeyCredParams: [{ type: 'public-key', alg: -7 }] } as PublicKeyCredentialCreationOptionsJSON);
      const signIn = await beginSignIn();
      const response = stranger.authenticate(await options(signIn));
      await refused(signIn, () => verify(signIn, response), 400, 'unknown_passkey');

      const carol = softKey('ES256');
      const carolEmail = `carol.${kind}@example.com`;
      await signUp(carolEmail, carol);
      const carolAccount = await tobira.store.accounts.findByEmail(carolEmail);
      assert.ok(await tobira.store.passkeys.remove(carolAccount!.id, carol.credentialId));
      const afterDelete = await beginSignIn();
      await refused(afterDelete, async () => verify(afterDelete, carol.authenticate(await options(afterDelete))), 400, 'unknown_passkey');
    });

    it('refuses a counter that goes backwards (a cloned authenticator) and audits it; synced passkeys at 0 pass', async () => {
      const clone = alice.key.clone();
      const signIn = await beginSignIn();
      assert.equal((await verify(signIn, alice.key.authenticate(await options(signIn)))).status, 200);
      const cloned = await beginSignIn();
      await refused(cloned, async () => verify(cloned, clone.authenticate(await options(cloned))), 400, 'passkey_counter_regression');
      const account = await tobira.store.accounts.findByEmail(alice.email);
      const events = await tobira.store.audit.listByAccount(account!.id, 10);
      assert.ok(events.some((e) => e.type === 'passkey.counter_regression' && e.details.credentialId === alice.key.credentialId), 'audited');

      const synced = softKey('ES256', { counterStep: 0, backupEligible: true, backedUp: true });
      const daveEmail = `dave.${kind}@example.com`;
      await signUp(daveEmail, synced);
      for (let i = 0; i < 2; i += 1) {
        const again = await beginSignIn();
        const page = await verify(again, synced.authenticate(await options(again)));
        assert.equal(page.status, 200, page.body);
        assert.deepEqual((await redeem(config, again.pending, await backAtPartner(again, jsonOf(page).redirectTo))).claims()?.amr, ['swk', 'user', 'mfa'], 'a synced passkey is a software key');
      }
      const stored = await tobira.store.passkeys.findByCredentialId(synced.credentialId);
      assert.equal(stored?.counter, 0);
      assert.equal(stored?.deviceType, 'multiDevice');
      assert.equal(stored?.backedUp, true);
    });

    it('an assertion for account B cannot finish a sign-in identified as account A', async () => {
      const signIn = await beginSignIn({ login_hint: alice.email });
      const aliceOptions = await options(signIn);
      // A login_hint is anyone's to write: it gets no credential ids (issue 10 row 5a).
      assert.deepEqual(aliceOptions.allowCredentials ?? [], []);
      // Bob's authenticator answers anyway (as if the page had been manipulated).
      const response = bob.key.authenticate({ ...aliceOptions, allowCredentials: [] });
      await refused(signIn, () => verify(signIn, response), 400, 'passkey_account_mismatch');
      // Typing bob's address on a sign-in identified as alice still ends as alice or not at all.
      const typed = await options(signIn, bob.email);
      await refused(signIn, () => verify(signIn, bob.key.authenticate(typed)), 400, 'passkey_account_mismatch');
    });

    it('refuses malformed base64url, JSON and CBOR, and oversized bodies', async () => {
      const signIn = await beginSignIn();
      const good = alice.key.authenticate(await options(signIn)) as AuthenticationResponseJSON;
      await options(signIn);
      await refused(signIn, () => verify(signIn, { ...good, id: 'not base64url!', rawId: 'not base64url!' }), 400, 'invalid_webauthn_response');
      await refused(signIn, () => verify(signIn, { ...good, response: { ...good.response, signature: '%%%' } }), 400, 'invalid_webauthn_response');
      await refused(signIn, () => verify(signIn, { id: good.id }), 400, 'invalid_webauthn_response');
      await refused(signIn, () => verify(signIn, 'a string'), 400, 'invalid_webauthn_response');
      await refused(signIn, () => postJson(signIn.browser, `/interaction/${signIn.uid}/passkey/verify`, null, signIn.csrf, '{"response": {'), 400, 'invalid_input');
      // These pass the shape check, so each uses up a fresh challenge.
      await options(signIn);
      await refused(signIn, () => verify(signIn, { ...good, response: { ...good.response, authenticatorData: Buffer.from('not cbor and far too short').toString('base64url') } }), 400, 'passkey_verification_failed');
      await options(signIn);
      await refused(signIn, () => verify(signIn, { ...good, response: { ...good.response, clientDataJSON: Buffer.from('{not json').toString('base64url') } }), 400, 'passkey_verification_failed');
      await refused(signIn, () => verify(signIn, { ...good, response: { ...good.response, signature: 'A'.repeat(200_000) } }), 413, 'payload_too_large');
    });

    it('refuses a registration that is not genuine and stores nothing', async () => {
      const account = await tobira.store.accounts.findByEmail(alice.email);
      const browser = new HttpBrowser();
      // Alice signs in to her account menu's passkeys page (the account client) with her passkey.
      const menu = await browser.follow(`${tobira.issuer}/account/passkeys`);
      const uid = /data-uid="([^"]+)"/.exec(menu.body)?.[1] ?? '';
      const csrf = /data-csrf="([^"]+)"/.exec(menu.body)?.[1] ?? '';
      const signInOptions = jsonOf(await postJson(browser, `/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
      const done = await postJson(browser, `/interaction/${uid}/passkey/verify`, { response: alice.key.authenticate(signInOptions) }, csrf);
      const accountPage = await browser.follow(String(jsonOf(done).redirectTo));
      assert.match(accountPage.body, /id="passkeys"/);
      const accountCsrf = /data-csrf="([^"]+)"/.exec(accountPage.body)?.[1] ?? '';

      const cases: Array<[Tamper, string]> = [
        [{ origin: 'https://evil.example' }, 'passkey_verification_failed'],
        [{ rpId: 'evil.example' }, 'passkey_verification_failed'],
        [{ userVerified: false }, 'passkey_verification_failed'],
        [{ type: 'webauthn.get' }, 'passkey_verification_failed'],
        [{ challenge: Buffer.alloc(32, 2).toString('base64url') }, 'passkey_verification_failed'],
      ];
      for (const [tamper, code] of cases) {
        const before = await tobira.store.passkeys.listByAccount(account!.id);
        const createOptions = jsonOf(await postJson(browser, '/account/passkeys/options', {}, accountCsrf)).options as PublicKeyCredentialCreationOptionsJSON;
        assert.deepEqual(createOptions.excludeCredentials?.map((c) => c.id), before.map((p) => p.credentialId), 'excludeCredentials lists the account\'s passkeys');
        assert.equal(createOptions.authenticatorSelection?.residentKey, 'required');
        assert.equal(createOptions.authenticatorSelection?.userVerification, 'required');
        assert.equal(createOptions.attestation, 'none');
        const page = await postJson(browser, '/account/passkeys/verify', { response: softKey('ES256').register(createOptions, tamper) }, accountCsrf);
        assert.equal(page.status, 400, JSON.stringify(tamper));
        assert.equal(jsonOf(page).error, code, JSON.stringify(tamper));
        assert.deepEqual(await tobira.store.passkeys.listByAccount(account!.id), before, 'nothing stored');
      }
      // The same authenticator cannot register twice (even if it ignored excludeCredentials).
      const createOptions = jsonOf(await postJson(browser, '/account/passkeys/options', {}, accountCsrf)).options as PublicKeyCredentialCreationOptionsJSON;
      const again = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
      const first = again.register(createOptions);
      assert.equal((await postJson(browser, '/account/passkeys/verify', { response: first }, accountCsrf)).status, 200);
      const replay = await postJson(browser, '/account/passkeys/verify', { response: first }, accountCsrf);
      assert.equal(jsonOf(replay).error, 'challenge_expired');
      await postJson(browser, '/account/passkeys/options', {}, accountCsrf);
      const duplicate = await postJson(browser, '/account/passkeys/verify', { response: first }, accountCsrf);
      assert.equal(duplicate.status, 400);
      // Without the CSRF header nothing happens either.
      const noCsrf = await browser.request(`${tobira.issuer}/account/passkeys/options`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', accept: 'application/json' } });
      assert.equal(noCsrf.status, 403);
    });

    it('deleting a passkey more than 5 minutes after signing in needs a fresh sign-in first, and deletes nothing until then', async () => {
      const erin = softKey('ES256');
      const erinSpare = softKey('RS256');
      const erinEmail = `erin.${kind}@example.com`;
      await signUp(erinEmail, erin);
      const account = await tobira.store.accounts.findByEmail(erinEmail);
      const browser = new HttpBrowser();
      const signInTo = async (page: Page, key: SoftAuthenticator): Promise<Page> => {
        const uid = /data-uid="([^"]+)"/.exec(page.body)?.[1] ?? '';
        const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
        const signInOptions = jsonOf(await postJson(browser, `/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
        const done = await postJson(browser, `/interaction/${uid}/passkey/verify`, { response: key.authenticate(signInOptions) }, csrf);
        assert.equal(done.status, 200, done.body);
        return browser.follow(String(jsonOf(done).redirectTo));
      };
      let menu = await signInTo(await browser.follow(`${tobira.issuer}/account/passkeys`), erin);
      const csrf = /data-csrf="([^"]+)"/.exec(menu.body)?.[1] ?? '';
      const createOptions = jsonOf(await postJson(browser, '/account/passkeys/options', {}, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
      assert.equal((await postJson(browser, '/account/passkeys/verify', { response: erinSpare.register(createOptions) }, csrf)).status, 200);

      offset = 301_000;
      const json = await postJson(browser, '/account/passkeys/delete', { credentialId: erin.credentialId }, csrf);
      assert.equal(json.status, 403);
      assert.equal(jsonOf(json).error, 'reauthentication_required');
      const form = await browser.request(`${tobira.issuer}/account/passkeys/delete`, { form: { _csrf: csrf, credentialId: erin.credentialId } });
      assert.equal(form.status, 303);
      const reauth = new URL(form.headers.get('location')!);
      assert.equal(reauth.searchParams.get('prompt'), 'login');
      assert.equal(reauth.searchParams.get('login_hint'), erinEmail);
      assert.equal((await tobira.store.passkeys.listByAccount(account!.id)).length, 2, 'nothing deleted yet');

      // Signing in again as someone else does not count; as erin, it does.
      const loginPage = await browser.follow(reauth.href);
      const uid = /data-uid="([^"]+)"/.exec(loginPage.body)?.[1] ?? '';
      const loginCsrf = /data-csrf="([^"]+)"/.exec(loginPage.body)?.[1] ?? '';
      const erinOnly = jsonOf(await postJson(browser, `/interaction/${uid}/passkey/options`, {}, loginCsrf)).options as PublicKeyCredentialRequestOptionsJSON;
      const asAlice = alice.key.authenticate({ ...erinOnly, allowCredentials: [] });
      assert.equal(jsonOf(await postJson(browser, `/interaction/${uid}/passkey/verify`, { response: asAlice }, loginCsrf)).error, 'passkey_account_mismatch');
      offset = 0;
      menu = await signInTo(loginPage, erinSpare);
      assert.match(menu.url, new RegExp(`/account/passkeys/delete\\?credentialId=${erin.credentialId}$`), 'back on the confirmation page of the same passkey');
      const deleted = await browser.request(`${tobira.issuer}/account/passkeys/delete`, { form: { _csrf: csrf, credentialId: erin.credentialId } });
      assert.equal(deleted.status, 303);
      assert.match(deleted.headers.get('location') ?? '', /notice=deleted/);
      assert.deepEqual((await tobira.store.passkeys.listByAccount(account!.id)).map((p) => p.credentialId), [erinSpare.credentialId]);
      const events = await tobira.store.audit.listByAccount(account!.id, 20);
      assert.ok(events.some((e) => e.type === 'passkey.deleted' && e.details.credentialId === erin.credentialId));
    });

    it('refuses a password for a partner that requires phr, even with a password session', async () => {
      const email = `pw.${kind}@example.com`;
      const browser = new HttpBrowser();
      const plain = await startAuthorization(config);
      await redeem(config, plain, (await signUpAndConsent(browser, plain, email)).url);
      const strict = await startAuthorization(config, { acr_values: 'phr' });
      const page = await browser.follow(strict.url.href, {}, PARTNER_CALLBACK);
      assert.match(page.url, /\/interaction\//, 'the password session does not satisfy phr');
      assert.doesNotMatch(page.body, /type="password"/);
      const uid = /data-uid="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const attempt = await browser.request(`${tobira.issuer}/interaction/${uid}/password`, { form: { _csrf: csrf, email, password: PASSWORD } });
      assert.equal(attempt.status, 403);
      assert.match(attempt.body, /data-code="passkey_required"/);
      const essential = await startAuthorization(config, { claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['phr'] } } }) });
      assert.match((await browser.follow(essential.url.href, {}, PARTNER_CALLBACK)).url, /\/interaction\//);
    });
  });
}
