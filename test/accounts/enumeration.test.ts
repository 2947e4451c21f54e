// Issue 10 rows 4b and 5: nothing a stranger can ask tells whether an e-mail address has an
// account, and nobody can create an account for an address they do not receive mail at.
// (a) passkey options for a typed e-mail, (b) the password sign-up, (c) the sign-up code's answer.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { addPasskey, member, postJson, signInPage } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, partnerClient, PASSWORD, startAuthorization } from '../support/partner.ts';
import { jsonOf } from '../support/push-harness.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

for (const kind of FEATURE_STORES) {
  describe(`no account enumeration, no unproven sign-up (${kind} store)`, () => {
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;
    let sink: SmtpSink;

    before(async () => {
      sink = new SmtpSink();
      const smtp = await sink.start();
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()], env: { SMTP_URL: smtp } });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await sink.stop();
    });

    /** A page with what differs between two addresses (ids, tokens, the address itself) blanked. */
    const shape = (page: Page, email: string): string => page.body.replace(/\/interaction\/[^/"?]+/g, '/interaction/UID').replace(/value="[^"]*"/g, 'value=""').replace(/data-(uid|csrf)="[^"]*"/g, '').replaceAll(email, 'EMAIL');

    it('(a) passkey options for a typed e-mail look the same for a passkey-only account, a password account and no account', async () => {
      const passkeyOnly = await member(tobira.issuer, config, `enum.passkey.${kind}@example.com`);
      await addPasskey(tobira.issuer, passkeyOnly.browser);
      await store.accounts.setSignInMode(passkeyOnly.accountId, { passwordHash: null, alwaysPasskey: true }, new Date());
      const withPassword = await member(tobira.issuer, config, `enum.password.${kind}@example.com`);
      await addPasskey(tobira.issuer, withPassword.browser);
      const answers = [];
      for (const email of [passkeyOnly.email, withPassword.email, `enum.nobody.${kind}@example.com`]) {
        const browser = new HttpBrowser();
        const { uid, csrf } = await signInPage(config, browser);
        const page = await postJson(browser, `${tobira.issuer}/interaction/${uid}/passkey/options`, { email }, csrf);
        assert.equal(page.status, 200);
        const answer = jsonOf(page) as { options: { challenge: string; allowCredentials?: unknown[] }; password: boolean; alwaysPasskey: boolean };
        answers.push({ ...answer, options: { ...answer.options, challenge: 'C' } });
      }
      assert.deepEqual(answers[0], answers[2], 'a passkey-only (always-passkey) account looks like no account');
      assert.deepEqual(answers[1], answers[2], 'an account with passkeys looks like no account');
      assert.deepEqual(answers[2]?.options.allowCredentials ?? [], []);
      assert.equal(answers[2]?.password, true);
      assert.equal(answers[2]?.alwaysPasskey, false);

      // The same for a login_hint, which anyone can put in an authorization request.
      const hinted = new HttpBrowser();
      const { uid, csrf } = await signInPage(config, hinted, { login_hint: passkeyOnly.email });
      const answer = jsonOf(await postJson(hinted, `${tobira.issuer}/interaction/${uid}/passkey/options`, {}, csrf)) as { options: { allowCredentials?: unknown[] }; password: boolean; alwaysPasskey: boolean };
      assert.deepEqual(answer.options.allowCredentials ?? [], []);
      assert.equal(answer.password, true);
      assert.equal(answer.alwaysPasskey, false);
    });

    it('(a) only the browser\'s own signed-in account, confirming itself, is answered for itself', async () => {
      const m = await member(tobira.issuer, config, `enum.own.${kind}@example.com`);
      const key = await addPasskey(tobira.issuer, m.browser);
      // The account menu's re-authentication: the guard sends the browser to sign in again as itself.
      const reauth = await m.browser.request(`${tobira.issuer}/account/passkeys/add`);
      assert.equal(reauth.status, 303);
      const page = await m.browser.follow(new URL(reauth.headers.get('location')!, tobira.issuer).href);
      const uid = /data-uid="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const answer = jsonOf(await postJson(m.browser, `${tobira.issuer}/interaction/${uid}/passkey/options`, {}, csrf)) as { options: { allowCredentials?: Array<{ id: string }> }; password: boolean };
      assert.deepEqual(answer.options.allowCredentials?.map((c) => c.id), [key.credentialId]);
    });

    it('(b) a password sign-up with a registered address answers like a new one; its owner is mailed, no code is sent', async () => {
      const taken = `enum.taken.${kind}@example.com`;
      const fresh = `enum.fresh.${kind}@example.com`;
      await store.accounts.create({ email: taken, emailVerified: true, name: 'Owner', passwordHash: null });
      const before = await store.accounts.findByEmail(taken);
      const pages: Page[] = [];
      const since = sink.messages.length;
      for (const email of [taken, fresh]) {
        const browser = new HttpBrowser();
        const login = await browser.follow((await startAuthorization(config)).url.href);
        const emailPage = await browser.follow(`${login.url}/signup/password`);
        assert.match(emailPage.url, /\/signup\?method=password$/, 'the password sign-up starts with the e-mail');
        pages.push(await browser.submit(emailPage, '/signup/email', { email }));
      }
      const [takenPage, freshPage] = pages as [Page, Page];
      assert.equal(takenPage.status, freshPage.status);
      assert.equal(shape(takenPage, taken), shape(freshPage, fresh), 'the same page for both');
      const notice = await sink.latestTo(taken, since);
      assert.equal(notice.subject, 'tobira: someone tried to sign up with your address');
      assert.doesNotMatch(notice.raw, /\b\d{6}\b/, 'no code for the registered address');
      assert.match((await sink.latestTo(fresh, since)).subject, /^tobira verification code: \d{6}$/);
      assert.deepEqual(await store.accounts.findByEmail(taken), before, 'the account is unchanged');
    });

    it('(b, 4b) the password step is refused without a proven address: no account, whoever the address belongs to', async () => {
      for (const email of [`enum.victim.${kind}@example.com`, `enum.direct.${kind}@example.com`]) {
        const browser = new HttpBrowser();
        const login = await browser.follow((await startAuthorization(config)).url.href);
        const signup = await browser.follow(`${login.url}/signup?method=password`);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(signup.body)?.[1] ?? '';
        // The old one-step form: name, e-mail and password straight away.
        const page = await browser.request(`${login.url}/signup/password`, { form: { _csrf: csrf, name: 'Mallory', email, password: PASSWORD } });
        assert.equal(page.status, 400);
        assert.equal(errorCodeOf(page), 'signup_step_missing');
        // Having asked for a code is not enough either.
        const codePage = await browser.submit(signup, '/signup/email', { email });
        const early = await browser.request(`${login.url}/signup/password`, { form: { _csrf: csrf, name: 'Mallory', password: PASSWORD } });
        assert.equal(errorCodeOf(early), 'signup_step_missing');
        assert.match(codePage.url, /\/signup\/code$/);
        assert.equal(await store.accounts.findByEmail(email), undefined);
      }
    });

    it('(c) the sign-up code is answered alike for a registered and a new address, wrong or expired', async () => {
      const taken = `enum.code.taken.${kind}@example.com`;
      const fresh = `enum.code.fresh.${kind}@example.com`;
      await store.accounts.create({ email: taken, emailVerified: true, name: 'Owner', passwordHash: null });
      const since = sink.messages.length;
      const codePages: Array<[HttpBrowser, Page, string]> = [];
      for (const email of [taken, fresh]) {
        const browser = new HttpBrowser();
        const login = await browser.follow((await startAuthorization(config)).url.href);
        codePages.push([browser, await browser.submit(await browser.follow(`${login.url}/signup?method=password`), '/signup/email', { email }), email]);
      }
      const real = await sink.codeFor(fresh, since);
      const wrong = real === '000000' ? '111111' : '000000';
      const answers = [];
      for (const [browser, page, email] of codePages) {
        const refused = await browser.submit(page, '/signup/code', { code: wrong });
        answers.push({ status: refused.status, code: errorCodeOf(refused), shape: shape(refused, email) });
      }
      assert.deepEqual(answers[0], answers[1]);
      assert.equal(answers[0]?.code, 'code_invalid');
    });
  });
}
