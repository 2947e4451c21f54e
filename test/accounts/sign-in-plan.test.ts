// Issue 11 item 3 over HTTP: what the sign-in page offers after the e-mail (POST /ways) and what
// "Notify my phone" answers are the same, in shape and in content, for a registered address and
// an unknown one, asked from a browser that has no link to the account; only the browser that
// signed in as the account gets the account's own ways, and a revocation ends that.
import assert from 'node:assert/strict';
import { member, passwordSignIn, signInPage } from '../support/account-menu.ts';
import { HttpBrowser, type Page } from '../support/http-browser.ts';
import { jsonOf, usePushTobira } from '../support/push-harness.ts';
import { FEATURE_STORES } from '../support/stores.ts';

const PC = { webauthn: true, platformAuthenticator: false, mobile: false };
const PHONE = { webauthn: true, platformAuthenticator: true, mobile: true };

for (const kind of FEATURE_STORES) {
  describe(`the sign-in page's plan tells a stranger nothing (${kind} store)`, function () {
    this.timeout(60_000);
    const suite = usePushTobira(kind, { smtp: true });
    const { h } = suite;

    async function ways(browser: HttpBrowser, email: string, signals: Record<string, boolean> = PC, params: Record<string, string> = {}): Promise<Page> {
      const { uid, csrf } = await signInPage(suite.config, browser, params);
      return h.postJson(browser, `/interaction/${uid}/ways`, { email, browser: signals }, csrf);
    }

    /** Three addresses: a password account, an always-passkey account with a phone, no account. */
    async function addresses(tag: string): Promise<string[]> {
      const ben = await member(suite.tobira.issuer, suite.config, `plan.${tag}.ben.${kind}@example.com`);
      const aki = await h.phoneFor(suite.config, `plan.${tag}.aki.${kind}@example.com`);
      const akiAccount = await suite.store.accounts.findByEmail(aki.email);
      await suite.store.accounts.setSignInMode(akiAccount!.id, { passwordHash: null, alwaysPasskey: true }, new Date());
      return [ben.email, aki.email, `plan.${tag}.nobody.${kind}@example.com`];
    }

    it('answers /ways alike for every address typed in a browser with no link, on a PC and on a phone', async () => {
      const emails = await addresses('ways');
      for (const signals of [PC, PHONE]) {
        const answers = [];
        for (const email of emails) {
          const page = await ways(new HttpBrowser(), email, signals);
          assert.equal(page.status, 200, page.body);
          assert.equal(page.headers.get('cache-control'), 'no-store');
          answers.push(jsonOf(page));
        }
        assert.deepEqual(answers[0], answers[2], 'a password account looks like no account');
        assert.deepEqual(answers[1], answers[2], 'an always-passkey account with a phone looks like no account');
        assert.deepEqual(Object.keys(answers[2] ?? {}).sort(), ['alwaysPasskey', 'others', 'primary', 'startAtOnce']);
        assert.equal(answers[2]?.startAtOnce, false, 'nothing starts by itself for an address the browser is not linked to');
      }
    });

    it('renders the same sign-in page and the same "Notify my phone" answer for every address', async () => {
      const emails = await addresses('push');
      const seen = [];
      for (const email of emails) {
        const browser = new HttpBrowser();
        const { uid, csrf, page } = await signInPage(suite.config, browser, { login_hint: email });
        const body = page.body.replace(/\/interaction\/[^/"?]+/g, '/interaction/UID').replace(/data-(uid|csrf)="[^"]*"/g, '').replace(/name="_csrf" value="[^"]*"/g, '').replaceAll(email, 'EMAIL');
        const asked = await h.postJson(browser, `/interaction/${uid}/push`, { email }, csrf);
        assert.equal(asked.status, 200, asked.body);
        const started = jsonOf(asked);
        const status = await h.statusOn({ browser, uid, csrf, started }, String(started.approvalId));
        seen.push({
          body,
          keys: Object.keys(started).sort(),
          kind: started.kind,
          matching: started.matching,
          number: /^\d{2}$/.test(String(started.number)),
          id: /^[A-Za-z0-9_-]{22}$/.test(String(started.approvalId)),
          lifetime: Math.round(Number(started.expiresInSeconds) / 10),
          status,
        });
      }
      assert.deepEqual(seen[0], seen[2], 'a password account without a phone looks like no account');
      assert.deepEqual(seen[1], seen[2], 'an account with a phone looks like no account');
      assert.equal(seen[2]?.kind, 'sent');
      assert.equal(seen[2]?.status, 'pending', 'the unanswered request waits, as a real one does, until it expires');
    });

    it('gives the account\'s own ways only to the browser that signed in as it; any other address gets the general plan', async () => {
      const [benEmail, akiEmail, nobody] = await addresses('linked') as [string, string, string];
      const ben = new HttpBrowser();
      await passwordSignIn(suite.config, ben, benEmail);
      const general = jsonOf(await ways(new HttpBrowser(), nobody));
      assert.deepEqual(general, { primary: 'password', others: ['push', 'passkey'], startAtOnce: false, alwaysPasskey: false });
      assert.deepEqual(jsonOf(await ways(ben, benEmail, PC, { prompt: 'login' })), { primary: 'password', others: [], startAtOnce: false, alwaysPasskey: false }, 'his password, no phone he does not have');
      assert.deepEqual(jsonOf(await ways(ben, benEmail.toUpperCase(), PC, { prompt: 'login' })).others, [], 'the address as typed, in any case');
      assert.deepEqual(jsonOf(await ways(ben, akiEmail, PC, { prompt: 'login' })), general, 'his browser learns nothing about another account');
      assert.deepEqual(jsonOf(await ways(ben, nobody, PC, { prompt: 'login' })), general);

      // On the always-passkey account's own phone (it signed up there): its own passkey, at once,
      // and the note that it has no password.
      const akiPhone = await h.phoneFor(suite.config, `plan.linked.phone.${kind}@example.com`);
      const akiAccount = await suite.store.accounts.findByEmail(akiPhone.email);
      await suite.store.accounts.setSignInMode(akiAccount!.id, { passwordHash: null, alwaysPasskey: true }, new Date());
      assert.deepEqual(jsonOf(await ways(akiPhone.browser, akiPhone.email, PHONE, { prompt: 'login' })), { primary: 'passkey', others: [], startAtOnce: true, alwaysPasskey: true });

      // "Sign out everywhere" (any revocation) ends the link made before it.
      const account = await suite.store.accounts.findByEmail(benEmail);
      await suite.store.accounts.setSessionsValidFrom(account!.id, Math.floor(Date.now() / 1000) + 1, new Date());
      assert.deepEqual(jsonOf(await ways(ben, benEmail)), general);
    });

    it('refuses a malformed question with a clear error, and a forged link cookie links nothing', async () => {
      const browser = new HttpBrowser();
      const { uid, csrf } = await signInPage(suite.config, browser);
      for (const body of [{}, { email: 'a@example.com' }, { email: 'a@example.com', browser: { ...PC, extra: true } }, { email: 'x'.repeat(300), browser: PC }, { email: 'a@example.com', browser: { webauthn: 'yes', platformAuthenticator: false, mobile: false } }]) {
        const page = await h.postJson(browser, `/interaction/${uid}/ways`, body, csrf);
        assert.equal(page.status, 400, JSON.stringify(body));
        assert.equal(jsonOf(page).error, 'invalid_input');
      }
      const noCsrf = await h.postJson(browser, `/interaction/${uid}/ways`, { email: 'a@example.com', browser: PC }, 'wrong');
      assert.equal(noCsrf.status, 403);

      const [benEmail] = await addresses('forged') as [string];
      const account = await suite.store.accounts.findByEmail(benEmail);
      const forger = new HttpBrowser();
      const { uid: forgedUid, csrf: forgedCsrf } = await signInPage(suite.config, forger);
      await forger.jar.setCookie(`suite.tobira.ra=${Buffer.from(JSON.stringify({ accountId: account!.id, at: Math.floor(Date.now() / 1000) })).toString('base64url')}; Path=/`, suite.tobira.issuer);
      await forger.jar.setCookie('suite.tobira.tb=forged-token; Path=/', suite.tobira.issuer);
      const answer = jsonOf(await h.postJson(forger, `/interaction/${forgedUid}/ways`, { email: benEmail, browser: PC }, forgedCsrf));
      assert.deepEqual(answer, { primary: 'password', others: ['push', 'passkey'], startAtOnce: false, alwaysPasskey: false }, 'an unsigned cookie is not a link');
    });
  });
}
