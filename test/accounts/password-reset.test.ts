// Password reset over HTTP with real e-mail (SMTP to a loopback sink): the same answer for known
// and unknown addresses, a strong new password, every sign-in and token ended (also one waiting in
// its interaction, and the resetting browser's own), the contacts told; and for an always-passkey
// account no code at all, and a refusal if the mode was turned on between the two steps. Each
// refusal leaves the account as it was in the store.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { hashPassword, verifyPassword } from '../../src/accounts/password-hasher.ts';
import type { Account, Store } from '../../src/store/types.ts';
import { messageMatching, signInPage } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, partnerClient, PASSWORD, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { harness, jsonOf, startPushTobira, type Phone } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freePort } from '../support/ports.ts';
import { featureSuite, freshStore, race, STORE_KINDS } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

const NEW_PASSWORD = 'umi-sora-hoshi 8841 kaze';

for (const kind of STORE_KINDS) {
  featureSuite(kind, `password reset (${kind} store)`, function () {
    this.timeout(30_000);
    let store: Store;
    let tobira: RunningTobira;
    let receiver: PushReceiver;
    let sink: SmtpSink;
    let partner: oidc.Configuration;
    const h = harness(() => tobira.issuer, () => receiver);
    /** The keys of the codes actually tested against a guess (calls of the store's consume). */
    const tested: string[] = [];

    before(async () => {
      receiver = new PushReceiver();
      sink = new SmtpSink();
      const [smtp] = await Promise.all([sink.start(), receiver.start()]);
      store = await freshStore(kind);
      const consume = store.oneTimeCodes.consume.bind(store.oneTimeCodes);
      store.oneTimeCodes.consume = (key, codeHash) => {
        tested.push(key);
        return consume(key, codeHash);
      };
      tobira = await startPushTobira(store, { SMTP_URL: smtp }, { clients: [partnerClient()] });
      partner = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await Promise.all([receiver.stop(), sink.stop()]);
    });

    async function accountOf(email: string): Promise<Account> {
      const account = await tobira.store.accounts.findByEmail(email);
      assert.ok(account, `no account ${email}`);
      return account;
    }

    async function modeOf(email: string): Promise<{ passwordHash: string | null; alwaysPasskey: boolean; updatedAt: number }> {
      const account = await accountOf(email);
      return { passwordHash: account.passwordHash, alwaysPasskey: account.alwaysPasskey, updatedAt: account.updatedAt.getTime() };
    }

    /** A password account signed in in its own browser, with a partner's refresh token. */
    async function passwordAccount(email: string): Promise<{ browser: HttpBrowser; refreshToken: string }> {
      const browser = new HttpBrowser();
      const pending = await startAuthorization(partner, { scope: 'openid offline_access', prompt: 'consent' });
      const tokens = await redeem(partner, pending, (await signUpAndConsent(browser, pending, email)).url);
      assert.ok(tokens.refresh_token);
      return { browser, refreshToken: tokens.refresh_token };
    }

    /** Step 1 in a fresh browser: the page that asks for the code. */
    async function askForCode(email: string, browser = new HttpBrowser()): Promise<{ browser: HttpBrowser; page: Page }> {
      const form = await browser.follow(`${tobira.issuer}/password-reset`);
      const page = await browser.submit(form, '/password-reset', { email });
      return { browser, page };
    }

    async function passwordSignIn(email: string, password: string): Promise<Page> {
      const browser = new HttpBrowser();
      const login = await browser.follow((await startAuthorization(partner)).url.href);
      return browser.submit(login, '/password', { email, password }, PARTNER_CALLBACK);
    }

    /** Turns "Always passkey" on from the phone's browser, which then signs in again with its passkey. */
    async function turnOn(phone: Phone): Promise<void> {
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await phone.browser.follow(`${tobira.issuer}/account`)).body)?.[1] ?? '';
      const res = await phone.browser.request(`${tobira.issuer}/account/always-passkey/on`, { method: 'POST', form: { _csrf: csrf, confirm: 'yes' } });
      assert.equal(res.status, 303);
      const login = await phone.browser.follow(new URL(String(res.headers.get('location')), tobira.issuer).href);
      const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1] ?? '';
      const loginCsrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '';
      const options = jsonOf(await h.postJson(phone.browser, `/interaction/${uid}/passkey/options`, {}, loginCsrf)).options as PublicKeyCredentialRequestOptionsJSON;
      const done = await h.postJson(phone.browser, `/interaction/${uid}/passkey/verify`, { response: phone.key.authenticate(options) }, loginCsrf);
      assert.equal(done.status, 200, done.body);
      assert.equal((await phone.browser.follow(String(jsonOf(done).redirectTo))).status, 200);
      assert.equal((await phone.browser.request(`${tobira.issuer}/account`)).status, 200, 'signed in again with the passkey');
    }

    function normalised(page: Page, email: string): string {
      return page.body.replace(/value="[^"]*"/g, '').replaceAll(email, 'EMAIL').replace(/id="[A-Za-z0-9_-]{20,}"/g, '');
    }

    it('answers the same for an unknown address as for an account, and mails only the account', async () => {
      const known = `known.${kind}@example.com`;
      const unknown = `unknown.${kind}@example.com`;
      await passwordAccount(known);
      const mailsBefore = sink.messages.length;
      const a = await askForCode(known);
      const b = await askForCode(unknown);
      assert.equal(a.page.status, 200);
      assert.equal(b.page.status, a.page.status);
      assert.equal(normalised(b.page, unknown), normalised(a.page, known));
      assert.match((await sink.latestTo(known, mailsBefore)).subject, /password reset code: \d{6}/);
      assert.ok(!sink.messages.slice(mailsBefore).some((m) => m.to.includes(unknown)), 'nothing is mailed to an address without an account');
      // The code step refuses a guessed code the same way for both.
      for (const { browser, page } of [a, b]) {
        const res = await browser.submit(page, '/password-reset/code', { code: '000000', password: NEW_PASSWORD });
        assert.equal(res.status, 400);
        assert.equal(errorCodeOf(res), 'code_invalid');
      }
    });

    it('resets the password with the mailed code: strong password only, every other sign-in ended, contacts told', async () => {
      const email = `forgetful.${kind}@example.com`;
      const { browser: signedIn, refreshToken } = await passwordAccount(email);
      const before = await modeOf(email);
      const mailsBefore = sink.messages.length;
      const { browser, page } = await askForCode(email);
      const code = await sink.codeFor(email, mailsBefore);
      assert.match(page.body, /If forgetful\.\w+@example\.com has an account, we sent it a code/);

      // A weak password is refused before the code is used; so are a wrong code and a missing CSRF token.
      for (const [fields, status, error] of [
        [{ code, password: 'password1234' }, 400, 'weak_password'],
        [{ code, password: `${email}!` }, 400, 'weak_password'],
        [{ code, password: 'short' }, 400, 'weak_password'],
        [{ code, password: '' }, 400, 'weak_password'],
        [{ code: 'abc', password: NEW_PASSWORD }, 400, 'code_invalid'],
        [{ code: '', password: NEW_PASSWORD }, 400, 'invalid_input'],
      ] as const) {
        const res = await browser.submit(page, '/password-reset/code', fields);
        assert.equal(res.status, status, `${JSON.stringify(fields)}: ${errorCodeOf(res)}`);
        assert.equal(errorCodeOf(res), error);
        // A refused password keeps the typed code on the form; a refused code does not come back.
        const kept = /id="code"[^>]*value="([^"]*)"/.exec(res.body)?.[1] ?? '';
        assert.equal(kept, error === 'weak_password' ? code : '', `${JSON.stringify(fields)}: the code field`);
      }
      const noCsrf = await browser.request(`${tobira.issuer}/password-reset/code`, { method: 'POST', form: { code, password: NEW_PASSWORD } });
      assert.equal(noCsrf.status, 403);
      assert.equal(errorCodeOf(noCsrf), 'csrf_failed');
      assert.deepEqual(await modeOf(email), before);

      const done = await browser.submit(page, '/password-reset/code', { code, password: NEW_PASSWORD });
      assert.equal(done.status, 200, done.body.slice(0, 2000));
      assert.match(done.body, /id="password-reset-done"/);
      const account = await accountOf(email);
      assert.ok(account.passwordHash && await verifyPassword(account.passwordHash, NEW_PASSWORD));
      assert.equal(account.alwaysPasskey, false);
      // The code is used up.
      const again = await browser.request(`${tobira.issuer}/password-reset/code`);
      assert.equal(again.status, 302, 'the reset is over: back to the start');

      // Every other sign-in and token is over.
      assert.equal((await signedIn.request(`${tobira.issuer}/account`)).status, 303, 'the old session is gone');
      await assert.rejects(oidc.refreshTokenGrant(partner, refreshToken), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      const events = await tobira.store.audit.listByAccount(account.id, 50);
      assert.ok(events.some((e) => e.type === 'password.reset'));
      assert.ok(events.some((e) => e.type === 'access.revoked' && e.details.reason === 'password_reset'));
      assert.match((await sink.latestTo(email, mailsBefore + 1)).subject, /your password was reset/);

      const newLogin = await passwordSignIn(email, NEW_PASSWORD);
      assert.equal(errorCodeOf(newLogin), undefined, 'the new password signs in');
      assert.match(newLogin.body, /action="[^"]*\/consent"/, 'signed in: the partner asks for consent in this new browser');
      assert.equal(errorCodeOf(await passwordSignIn(email, PASSWORD)), 'invalid_credentials', 'the old one does not');
    });

    it('voids a sign-in with the old password that finished but waits in its interaction, and the resetting browser\'s own; a new sign-in right after works', async () => {
      const email = `waiting.${kind}@example.com`;
      const { browser: owner } = await passwordAccount(email);
      // Someone who knows the password signs in, but stops before following the redirect back.
      const intruder = new HttpBrowser();
      const { page: login, uid } = await signInPage(partner, intruder);
      const waiting = await intruder.submit(login, '/password', { email, password: PASSWORD }, `${tobira.issuer}/auth/`);
      assert.match(waiting.url, new RegExp(`^${tobira.issuer}/auth/${uid}$`), 'the sign-in finished and waits at its resume address');

      // The owner resets the password in the browser they are signed in with.
      const mailsBefore = sink.messages.length;
      const { page } = await askForCode(email, owner);
      // (The intruder's sign-in was from a new browser: its notice may arrive in between.)
      const codeMail = await messageMatching(sink.messages, email, (m) => /password reset code/.test(m.subject), mailsBefore);
      const code = /\d{6}/.exec(codeMail.subject)?.[0] ?? '';
      const done = await owner.submit(page, '/password-reset/code', { code, password: NEW_PASSWORD });
      assert.match(done.body, /id="password-reset-done"/);
      const account = await accountOf(email);
      assert.ok(account.sessionsValidFrom !== null && account.sessionsValidFrom * 1000 <= Date.now(), 'the reset answers once the voided second is over');
      assert.deepEqual(await tobira.store.oidc('Session').listByAccountId(account.id), []);
      assert.equal((await owner.request(`${tobira.issuer}/account`)).status, 303, 'the resetting browser is signed out too');

      // Following the redirect now gets no code: a sign-in page asks again.
      const resumed = await intruder.follow(waiting.url, {}, PARTNER_CALLBACK);
      assert.ok(!resumed.url.startsWith(PARTNER_CALLBACK), `reached the partner: ${resumed.url}`);
      assert.equal(resumed.status, 200);
      assert.match(resumed.body, /<form[^>]*action="[^"]*\/password"/, `the sign-in page, not ${resumed.url}: ${resumed.body.slice(0, 1500)}`);
      assert.doesNotMatch(resumed.body, /action="[^"]*\/consent"/);
      const again = /data-uid="([^"]+)"/.exec(resumed.body)?.[1];
      assert.ok(again && again !== uid, 'a new sign-in');
      assert.equal((await intruder.request(`${tobira.issuer}/account`)).status, 303, 'not signed in in the account menu');
      const silent = await intruder.follow((await startAuthorization(partner, { prompt: 'none' })).url.href, {}, PARTNER_CALLBACK);
      assert.equal(new URL(silent.url).searchParams.get('error'), 'login_required', 'nor for a partner asking silently');
      assert.equal(errorCodeOf(await intruder.submit(resumed, '/password', { email, password: PASSWORD }, PARTNER_CALLBACK)), 'invalid_credentials');

      // Signing in with the new password right away works, through to the partner's code.
      const fresh = new HttpBrowser();
      const { page: freshLogin } = await signInPage(partner, fresh);
      const consent = await fresh.submit(freshLogin, '/password', { email, password: NEW_PASSWORD }, PARTNER_CALLBACK);
      const callback = consent.url.startsWith(PARTNER_CALLBACK) ? consent : await fresh.submit(consent, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      assert.ok(callback.url.startsWith(PARTNER_CALLBACK) && new URL(callback.url).searchParams.has('code'), callback.url);
      assert.equal((await fresh.request(`${tobira.issuer}/account`)).status, 200);
    });

    it('a stranger\'s five wrong codes use up only that code: the owner asks again and resets with the new code', async () => {
      const email = `guesser.${kind}@example.com`;
      await passwordAccount(email);
      const before = await modeOf(email);
      const strangerMails = sink.messages.length;
      const stranger = await askForCode(email);
      // (Mailed in the background: wait for it, so the owner's code below is the owner's.)
      await sink.codeFor(email, strangerMails);
      let last: Page | undefined;
      for (let i = 0; i < 5; i += 1) last = await stranger.browser.submit(stranger.page, '/password-reset/code', { code: String(i).repeat(6), password: NEW_PASSWORD });
      assert.equal(errorCodeOf(last!), 'too_many_attempts');
      assert.deepEqual(await modeOf(email), before);

      // The owner is not locked out: a new code is mailed at once, and it works.
      const mailsBefore = sink.messages.length;
      const owner = await askForCode(email);
      assert.equal(errorCodeOf(owner.page), undefined);
      assert.doesNotMatch(owner.page.body, /id="code-not-sent"/);
      const code = await sink.codeFor(email, mailsBefore);
      const done = await owner.browser.submit(owner.page, '/password-reset/code', { code, password: NEW_PASSWORD });
      assert.equal(errorCodeOf(done), undefined);
      assert.match(done.body, /id="password-reset-done"/);
    });

    it('keeps the owner\'s code valid through a stranger\'s new requests, and mails at most three codes per address in a code\'s lifetime, alike for unknown addresses', async () => {
      const email = `bombed.${kind}@example.com`;
      await passwordAccount(email);
      const mailsBefore = sink.messages.length;
      const owner = await askForCode(email);
      const ownerCode = await sink.codeFor(email, mailsBefore);
      // A stranger asks 24 more times: two more codes go out, then none.
      const answers: Page[] = [];
      for (let i = 0; i < 24; i += 1) answers.push((await askForCode(email)).page);
      // Mails go out in the background: wait for the third, then a moment more for any fourth.
      const mailsTo = (): number => sink.messages.slice(mailsBefore).filter((m) => m.to.includes(email)).length;
      for (const deadline = Date.now() + 5_000; mailsTo() < 3 && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 25));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(mailsTo(), 3, 'three mails, not twenty-five');
      assert.equal(answers.filter((page) => /id="code-not-sent"/.test(page.body)).length, 22, 'the page says which requests sent no code');
      assert.ok(answers.every((page) => page.status === 200), 'every request goes on to the code step');
      assert.doesNotMatch(answers[1]!.body, /id="code-not-sent"/);
      assert.match(answers[2]!.body, /id="code-not-sent"/, 'past the budget the page says to use a code already received');
      // The owner's code, two requests older than the newest, still works.
      const done = await owner.browser.submit(owner.page, '/password-reset/code', { code: ownerCode, password: NEW_PASSWORD });
      assert.match(done.body, /id="password-reset-done"/);

      // An address without an account is budgeted the same way, and answers the same pages.
      const unknown = `bombed.nobody.${kind}@example.com`;
      const unknownPages: Page[] = [];
      for (let i = 0; i < 4; i += 1) unknownPages.push((await askForCode(unknown)).page);
      assert.deepEqual(unknownPages.map((page) => /id="code-not-sent"/.test(page.body)), [false, false, false, true]);
      assert.equal(normalised(unknownPages[3]!, unknown), normalised(answers[2]!, email));
    });

    it('refuses passwordpassword, 123456789012 and aaaaaaaaaaaa with weak_password, keeping the code, then resets with a strong one', async () => {
      const email = `weakreset.${kind}@example.com`;
      await passwordAccount(email);
      const before = await modeOf(email);
      const mailsBefore = sink.messages.length;
      const { browser, page } = await askForCode(email);
      const code = await sink.codeFor(email, mailsBefore);
      for (const weak of ['passwordpassword', '123456789012', 'aaaaaaaaaaaa']) {
        const res = await browser.submit(page, '/password-reset/code', { code, password: weak });
        assert.equal(res.status, 400, weak);
        assert.equal(errorCodeOf(res), 'weak_password', weak);
      }
      assert.deepEqual(await modeOf(email), before);
      const done = await browser.submit(page, '/password-reset/code', { code, password: NEW_PASSWORD });
      assert.match(done.body, /id="password-reset-done"/);
    });

    it('a weak password is refused only for a right code, and each refusal costs a try: it cannot be repeated for free', async () => {
      const email = `weakloop.${kind}@example.com`;
      await passwordAccount(email);
      const mailsBefore = sink.messages.length;
      const { browser, page } = await askForCode(email);
      const code = await sink.codeFor(email, mailsBefore);
      const wrong = code === '000000' ? '111111' : '000000';
      const withWrongCode = await browser.submit(page, '/password-reset/code', { code: wrong, password: 'passwordpassword' });
      assert.equal(errorCodeOf(withWrongCode), 'code_invalid', 'the code is checked before the password');
      const answers: Array<string | undefined> = [];
      for (let i = 0; i < 5; i += 1) answers.push(errorCodeOf(await browser.submit(page, '/password-reset/code', { code, password: 'passwordpassword' })));
      assert.deepEqual(answers, ['weak_password', 'weak_password', 'weak_password', 'weak_password', 'too_many_attempts']);
    });

    it('a hostile strength check does not hold the process: /healthz answers within 200 ms while 256-character passwords are judged', async function () {
      this.timeout(60_000);
      const email = `hostile.${kind}@example.com`;
      await passwordAccount(email);
      const mailsBefore = sink.messages.length;
      const { browser, page } = await askForCode(email);
      const code = await sink.codeFor(email, mailsBefore);
      const hostile = ['p@55w0rd'.repeat(32), '19901231'.repeat(32), 'P@$$w0rd!'.repeat(29).slice(0, 256), '1234567890'.repeat(26).slice(0, 256)];
      const checks = Promise.all(hostile.map((password) => browser.submit(page, '/password-reset/code', { code, password })));
      let settled = false;
      void checks.finally(() => {
        settled = true;
      });
      const delays: number[] = [];
      for (let i = 0; i < 10 && (i < 3 || !settled); i += 1) {
        const t0 = performance.now();
        const health = await fetch(`${tobira.issuer}/healthz`);
        delays.push(performance.now() - t0);
        assert.equal(health.status, 200);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const answers = await checks;
      assert.deepEqual(answers.map((answer) => errorCodeOf(answer)), ['weak_password', 'weak_password', 'weak_password', 'weak_password']);
      assert.ok(Math.max(...delays) < 200, `/healthz took ${delays.map((d) => d.toFixed(0)).join(', ')} ms`);
    });

    it('throttles password guessing per address (429 sign_in_throttled with Retry-After), an unknown address alike; the passkey still signs in, and a reset unlocks the password', async () => {
      const phone = await h.phoneFor(partner, `throttled.${kind}@example.com`);
      const unknown = `throttled.nobody.${kind}@example.com`;
      for (const email of [phone.email, unknown]) {
        const answers: string[] = [];
        let last: Page | undefined;
        for (let i = 0; i < 6; i += 1) {
          last = await passwordSignIn(email, `not the password ${i}`);
          answers.push(`${last.status} ${errorCodeOf(last)}`);
        }
        assert.deepEqual(answers, [...Array<string>(5).fill('401 invalid_credentials'), '429 sign_in_throttled'], email);
        const retryAfter = Number(last?.headers.get('retry-after'));
        assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      }
      assert.equal(errorCodeOf(await passwordSignIn(phone.email, PASSWORD)), 'sign_in_throttled', 'the right password waits too: guesses cannot find it meanwhile');

      // The passkey is not held back by password failures.
      const browser = new HttpBrowser();
      const login = await browser.follow((await startAuthorization(partner)).url.href);
      const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1] ?? '';
      const loginCsrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '';
      const options = jsonOf(await h.postJson(browser, `/interaction/${uid}/passkey/options`, {}, loginCsrf)).options as PublicKeyCredentialRequestOptionsJSON;
      const signedIn = await h.postJson(browser, `/interaction/${uid}/passkey/verify`, { response: phone.key.authenticate(options) }, loginCsrf);
      assert.equal(signedIn.status, 200, signedIn.body);

      // A password reset by e-mail proves the address and unlocks password sign-in at once.
      const mailsBefore = sink.messages.length;
      const reset = await askForCode(phone.email);
      const code = await messageMatching(sink.messages, phone.email, (m) => /password reset code/.test(m.subject), mailsBefore);
      const done = await reset.browser.submit(reset.page, '/password-reset/code', { code: /\d{6}/.exec(code.subject)?.[0] ?? '', password: NEW_PASSWORD });
      assert.match(done.body, /id="password-reset-done"/);
      assert.equal(errorCodeOf(await passwordSignIn(phone.email, NEW_PASSWORD)), undefined, 'the new password signs in');
    });

    race('thirty wrong codes sent at once: at most five are tested, the rest are refused untested', async () => {
      const email = `swarm.${kind}@example.com`;
      await passwordAccount(email);
      const before = await modeOf(email);
      const mailsBefore = sink.messages.length;
      const { browser, page } = await askForCode(email);
      const code = await sink.codeFor(email, mailsBefore);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      assert.ok(csrf);
      const guesses: string[] = [];
      for (let n = 0; guesses.length < 30; n += 1) {
        const guess = String(n * 7919 % 1_000_000).padStart(6, '0');
        if (guess !== code) guesses.push(guess);
      }
      tested.length = 0;
      const answers = await Promise.all(guesses.map((guess) => browser.request(`${tobira.issuer}/password-reset/code`, { method: 'POST', form: { _csrf: csrf, code: guess, password: NEW_PASSWORD } })));
      const errors = answers.map((answer) => errorCodeOf(answer));
      assert.ok(errors.every((error) => error === 'code_invalid' || error === 'too_many_attempts'), errors.join(' '));
      assert.ok(errors.filter((error) => error === 'code_invalid').length <= 5, errors.join(' '));
      const key = `password-reset:${email}:0`;
      assert.ok(tested.filter((k) => k === key).length <= 5, `${tested.filter((k) => k === key).length} guesses were tested against the code`);
      // The right code no longer helps.
      const right = await browser.submit(page, '/password-reset/code', { code, password: NEW_PASSWORD });
      assert.equal(errorCodeOf(right), 'too_many_attempts');
      assert.deepEqual(await modeOf(email), before);
    });

    it('answers the same for a known and an unknown address when the mail server is down', async () => {
      const downStore = await freshStore(kind);
      const down = await startTobira({ store: downStore, clients: [partnerClient()], env: { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` } });
      try {
        const known = `mailless.${kind}@example.com`;
        const unknown = `nomail.${kind}@example.com`;
        const account = await downStore.accounts.create({ email: known, emailVerified: true, name: 'Mailless', passwordHash: await hashPassword(PASSWORD) });
        const ask = async (email: string): Promise<Page> => {
          const browser = new HttpBrowser();
          return browser.submit(await browser.follow(`${down.issuer}/password-reset`), '/password-reset', { email });
        };
        const a = await ask(known);
        const b = await ask(unknown);
        assert.equal(a.status, 200, a.body.slice(0, 500));
        assert.equal(b.status, a.status);
        assert.equal(normalised(b, unknown), normalised(a, known));
        const events = await downStore.audit.listByAccount(account.id, 10);
        assert.ok(events.some((e) => e.type === 'password_reset.requested'));
      } finally {
        await down.close();
        await downStore.close();
      }
    });

    it('an always-passkey account gets an explanation instead of a code, and no reset', async () => {
      const phone = await h.phoneFor(partner, `passkeyonly.${kind}@example.com`);
      await turnOn(phone);
      const before = await modeOf(phone.email);
      assert.equal(before.passwordHash, null);

      const mailsBefore = sink.messages.length;
      const unknown = await askForCode(`nobody.${kind}@example.com`);
      const { browser, page } = await askForCode(phone.email);
      assert.equal(normalised(page, phone.email), normalised(unknown.page, `nobody.${kind}@example.com`), 'the page does not tell');
      // (The passkey sign-in's new-browser notice may arrive in between.)
      const mail = await messageMatching(sink.messages, phone.email, (m) => /password reset is off/.test(m.subject), mailsBefore);
      assert.match(mail.subject, /password reset is off/);
      const text = mail.raw.split('\r\n\r\n').slice(1).join('\n').replace(/=\r?\n/g, '');
      assert.doesNotMatch(text, /\d{6}/, 'no code is sent');
      assert.match(text, /it uses "Always passkey": it has no password, and password reset is off/);
      const res = await browser.submit(page, '/password-reset/code', { code: '123456', password: NEW_PASSWORD });
      assert.equal(errorCodeOf(res), 'code_invalid');
      assert.deepEqual(await modeOf(phone.email), before);
      const events = await tobira.store.audit.listByAccount((await accountOf(phone.email)).id, 50);
      assert.ok(events.some((e) => e.type === 'password_reset.refused' && e.details.reason === 'always_passkey'));
    });

    it('refuses the last step with always_passkey_on when the mode was turned on in between', async () => {
      const phone = await h.phoneFor(partner, `switcher.${kind}@example.com`);
      const mailsBefore = sink.messages.length;
      const { browser, page } = await askForCode(phone.email);
      const code = await sink.codeFor(phone.email, mailsBefore);
      await turnOn(phone);
      const before = await modeOf(phone.email);
      const sessionsOf = async (): Promise<string[]> => (await tobira.store.oidc('Session').listByAccountId((await accountOf(phone.email)).id)).map((s) => s.id).sort();
      const sessions = await sessionsOf();
      assert.equal(sessions.length, 1);

      const res = await browser.submit(page, '/password-reset/code', { code, password: NEW_PASSWORD });
      assert.equal(res.status, 403);
      assert.equal(errorCodeOf(res), 'always_passkey_on');
      assert.match(res.body, /has no password to reset/);
      assert.deepEqual(await modeOf(phone.email), before);
      assert.deepEqual(await sessionsOf(), sessions, 'no session was ended');
      assert.equal((await phone.browser.request(`${tobira.issuer}/account`)).status, 200);
    });

    it('is linked from the sign-in page, and comes back to it', async () => {
      const browser = new HttpBrowser();
      const login = await browser.follow((await startAuthorization(partner)).url.href);
      const link = /href="(\/password-reset\?back=\/interaction\/[^"]+)" id="password-reset-link">Forgot your password\?</.exec(login.body)?.[1];
      assert.ok(link);
      const form = await browser.follow(`${tobira.issuer}${link}`);
      assert.match(form.body, new RegExp(`href="${new URL(login.url).pathname}"`), 'a way back to the sign-in');
      const evil = await browser.follow(`${tobira.issuer}/password-reset?back=https://evil.example/`);
      assert.match(evil.body, /name="back" value=""/, 'only a tobira sign-in page is a way back');
      assert.doesNotMatch(evil.body, /href="https:\/\/evil/);
    });
  });
}
