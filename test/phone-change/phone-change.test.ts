// Phone change by contact codes over HTTP: codes by real SMTP and the SMS hook, an enrolment link
// for this browser only, and every way the codes can be wrong, each refused with a clear code and
// nothing handed out. The page answers the same for unknown accounts and accounts without both
// contacts.
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type { Account, AuditEvent, Store } from '../../src/store/types.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

function jsonOf(page: Page): Record<string, unknown> {
  return JSON.parse(page.body) as Record<string, unknown>;
}

interface Person {
  account: Account;
  contactEmail: string;
  mobile: string;
}

for (const kind of FEATURE_STORES) {
  describe(`phone change with contact codes (${kind} store)`, function () {
    this.timeout(30_000);
    let offset = 0;
    const now = (): number => Date.now() + offset;
    let store: Store;
    let tobira: RunningTobira;
    let sink: SmtpSink;
    let sms: SmsSink;
    let serial = 0;

    before(async () => {
      sink = new SmtpSink();
      sms = new SmsSink();
      const [smtp, hook] = await Promise.all([sink.start(), sms.start()]);
      store = await freshStore(kind, { now });
      // TRUST_PROXY: the per-source limit tells requests apart by X-Forwarded-For.
      tobira = await startTobira({ store, now, env: { SMTP_URL: smtp, SMS_HOOK_URL: hook, TRUST_PROXY: 'true' } });
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await Promise.all([sink.stop(), sms.stop()]);
    });
    afterEach(() => {
      offset = 0;
    });

    /** An account with the given verified contacts, set straight in the store. */
    async function person(contacts: { email?: boolean; mobile?: boolean } = { email: true, mobile: true }): Promise<Person> {
      serial += 1;
      const at = new Date(now());
      let account = await store.accounts.create({ email: `user${serial}.${kind}@example.com`, emailVerified: true, name: `User ${serial}`, passwordHash: null });
      const contactEmail = `contact${serial}.${kind}@example.net`;
      const mobile = `+8190${String(10_000_000 + serial * 7919).slice(-8)}`;
      if (contacts.email) account = (await store.accounts.setContact(account.id, 'email', { value: contactEmail, verifiedAt: at }, at))!;
      if (contacts.mobile) account = (await store.accounts.setContact(account.id, 'mobile', { value: mobile, verifiedAt: at }, at))!;
      return { account, contactEmail, mobile };
    }

    async function start(browser: HttpBrowser, accountId: string): Promise<Page> {
      const page = await browser.request(`${tobira.issuer}/phone-change`);
      assert.equal(page.status, 200);
      return browser.submit(page, '/phone-change/start', { account: accountId });
    }

    /** Starts in `browser` and waits for both codes; returns them with the codes page. */
    async function startWithCodes(browser: HttpBrowser, who: Person): Promise<{ page: Page; email: string; mobile: string }> {
      const mails = sink.messages.length;
      const texts = sms.messages.length;
      const page = await start(browser, who.account.email);
      assert.equal(page.status, 200, page.body);
      return { page, email: await sink.codeFor(who.contactEmail, mails), mobile: await sms.codeFor(who.mobile, texts) };
    }

    async function submitCodes(browser: HttpBrowser, page: Page, codes: { email_code?: string; mobile_code?: string }): Promise<Page> {
      return browser.submit(page, '/phone-change/codes', Object.fromEntries(Object.entries(codes).filter(([, v]) => v !== undefined)) as Record<string, string>, `${tobira.issuer}/enrol/`);
    }

    async function codesPage(browser: HttpBrowser): Promise<Page> {
      return browser.request(`${tobira.issuer}/phone-change/codes`);
    }

    async function tickets(accountId: string): Promise<AuditEvent[]> {
      return store.audit.listByAccount(accountId, 50, ['enrolment.issued']);
    }

    async function events(accountId: string, type: string): Promise<AuditEvent[]> {
      return store.audit.listByAccount(accountId, 50, [type]);
    }

    const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    it('both codes right: an enrolment link for the new phone, which registers its passkey; the contacts are told', async () => {
      const who = await person();
      const browser = new HttpBrowser();
      const login = await browser.request(`${tobira.issuer}/account/login`);
      const loginPage = await browser.follow(new URL(login.headers.get('location')!, tobira.issuer).href);
      assert.match(loginPage.body, /href="\/phone-change"/, 'the sign-in page links to the phone change');

      const mailsBefore = sink.messages.length;
      const { page, email, mobile } = await startWithCodes(browser, who);
      assert.match(page.body, /Enter the codes/);
      assert.ok(!sink.messages.slice(mailsBefore).some((m) => m.to.includes(who.account.email)), 'the code goes to the contact e-mail only');
      assert.equal((await events(who.account.id, 'phone_change.codes_sent')).length, 1);

      const done = await submitCodes(browser, page, { email_code: email, mobile_code: mobile });
      assert.equal(done.status, 303);
      // The secret only in the fragment, which the browser keeps for the page and never sends.
      assert.match(done.headers.get('location') ?? '', new RegExp(`^${tobira.issuer}/enrol/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$`));
      const link = new URL(done.url);
      const [issued] = await tickets(who.account.id);
      assert.equal(link.pathname, `/enrol/${String(issued?.details.ticketId)}`);
      assert.equal(issued?.details.purpose, 'phone_change');
      assert.equal(issued?.details.sentTo, null);
      const ticket = await store.enrolmentTickets.find(String(issued?.details.ticketId));
      assert.ok(ticket);
      assert.equal(ticket.expiresAt.getTime() - ticket.createdAt.getTime(), 900_000, 'recovery.phoneChangeTtlSeconds');
      assert.equal((await events(who.account.id, 'phone_change.verified')).length, 1);
      assert.equal((await codesPage(browser)).status, 400, 'the attempt is over');

      // The new phone registers its passkey with the link: the page by its path, the secret (the
      // fragment) posted with each step, as enrol.js does.
      const enrol = await browser.request(`${tobira.issuer}${link.pathname}`);
      assert.equal(enrol.status, 200);
      const csrf = /data-csrf="([^"]+)"/.exec(enrol.body)?.[1] ?? '';
      const secret = link.hash.slice(1);
      const post = (suffix: string, body: unknown): Promise<Page> => browser.request(`${tobira.issuer}${link.pathname}/${suffix}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf } });
      const key = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
      assert.equal(jsonOf(await post('options', {})).error, 'enrolment_link_invalid', 'not without the secret');
      const options = jsonOf(await post('options', { secret })).options as PublicKeyCredentialCreationOptionsJSON;
      const mails = sink.messages.length;
      const texts = sms.messages.length;
      const registered = await post('verify', { secret, response: key.register(options) });
      assert.equal(registered.status, 200, registered.body);
      assert.equal(jsonOf(registered).next, '/account/login?with=new-passkey&next=/device');
      assert.deepEqual((await store.passkeys.listByAccount(who.account.id)).map((p) => p.credentialId), [key.credentialId]);

      for (const address of [who.account.email, who.contactEmail]) {
        assert.match((await sink.latestTo(address, mails)).subject, /a passkey was added for your new phone/);
      }
      assert.match((await sms.latestTo(who.mobile, texts)).text, /passkey for a new phone was added/);
    });

    it('an unknown account and an account without both contacts get the very same pages, and nothing is sent', async () => {
      const known = await person();
      const onlyEmail = await person({ email: true });
      const onlyMobile = await person({ mobile: true });
      const browser = new HttpBrowser();
      const normalise = (page: Page, account: string): string => page.body.replaceAll(account, 'ACCOUNT');
      const reference = await startWithCodes(browser, known);
      const mails = sink.messages.length;
      const texts = sms.messages.length;
      const unknown = `nobody.${kind}@example.com`;
      for (const account of [unknown, onlyEmail.account.email, onlyMobile.account.email]) {
        const page = await start(browser, account);
        assert.equal(page.status, reference.page.status);
        assert.equal(normalise(page, account), normalise(reference.page, known.account.email), account);
        // Guessing goes exactly as for a real account.
        const guessed = await submitCodes(browser, page, { email_code: '123456', mobile_code: '654321' });
        assert.equal(guessed.status, 400);
        assert.equal(errorCodeOf(guessed), 'code_invalid');
      }
      const guessedKnown = await submitCodes(browser, await start(browser, known.account.email), { email_code: '123456', mobile_code: '654321' });
      assert.equal(errorCodeOf(guessedKnown), 'code_invalid');

      // Once the real attempt's codes arrived, nothing went to the others' addresses.
      await sink.codeFor(known.contactEmail, mails);
      await sms.codeFor(known.mobile, texts);
      assert.ok(!sink.messages.slice(mails).some((m) => m.to.includes(onlyEmail.contactEmail) || m.to.includes(onlyEmail.account.email) || m.to.includes(onlyMobile.account.email)));
      assert.ok(!sms.messages.slice(texts).some((m) => m.to === onlyMobile.mobile));
      for (const who of [onlyEmail, onlyMobile]) {
        const [notSent] = await events(who.account.id, 'phone_change.codes_not_sent');
        assert.equal(notSent?.details.reason, 'contacts_missing');
        assert.equal((await events(who.account.id, 'phone_change.codes_sent')).length, 0);
        assert.equal((await tickets(who.account.id)).length, 0);
      }
      const [unknownEvent] = (await store.audit.list({ type: 'phone_change.codes_not_sent', limit: 50 })).filter((e) => e.details.accountHint === unknown);
      assert.equal(unknownEvent?.accountId, null);
      assert.equal(unknownEvent?.details.reason, 'unknown_account');
    });

    it('a guessed code is refused and confirms nothing; the right ones still work', async () => {
      const who = await person();
      const browser = new HttpBrowser();
      const { page, email, mobile } = await startWithCodes(browser, who);
      for (const codes of [{ email_code: wrong(email), mobile_code: mobile }, { email_code: 'abcdef', mobile_code: mobile }]) {
        const refused = await submitCodes(browser, page, codes);
        assert.equal(refused.status, 400);
        assert.equal(errorCodeOf(refused), 'code_invalid');
        assert.match(refused.body, /The code is not correct/);
      }
      assert.equal((await tickets(who.account.id)).length, 0);
      const failed = await events(who.account.id, 'phone_change.code_failed');
      assert.equal(failed.length, 2);
      assert.deepEqual(failed.map((e) => e.details.channel), ['email', 'email']);
      assert.ok(!JSON.stringify(failed).includes(email), 'no code in the audit trail');
      const done = await submitCodes(browser, page, { email_code: email, mobile_code: mobile });
      assert.equal(done.status, 303);
      assert.equal((await tickets(who.account.id)).length, 1);
    });

    it('only one of the two codes is refused and nothing is used; a right one is kept while the other is wrong', async () => {
      const who = await person();
      const browser = new HttpBrowser();
      const { page, email, mobile } = await startWithCodes(browser, who);
      for (const codes of [{ email_code: email }, { mobile_code: mobile }, {}]) {
        const refused = await submitCodes(browser, page, codes);
        assert.equal(refused.status, 400);
        assert.equal(errorCodeOf(refused), 'invalid_input');
      }
      assert.equal((await events(who.account.id, 'phone_change.code_failed')).length, 0, 'a missing code is not a wrong one');

      const half = await submitCodes(browser, page, { email_code: email, mobile_code: wrong(mobile) });
      assert.equal(errorCodeOf(half), 'code_invalid');
      assert.match(half.body, /id="email-code-done"/, 'the right e-mail code is kept');
      assert.doesNotMatch(half.body, /name="email_code"/);
      assert.equal((await tickets(who.account.id)).length, 0);
      const done = await submitCodes(browser, half, { mobile_code: mobile });
      assert.equal(done.status, 303);
      assert.equal((await tickets(who.account.id)).length, 1);
    });

    it('expired codes are refused', async () => {
      const who = await person();
      const browser = new HttpBrowser();
      const { page, email, mobile } = await startWithCodes(browser, who);
      offset = 601_000;
      const refused = await submitCodes(browser, page, { email_code: email, mobile_code: mobile });
      assert.equal(refused.status, 400);
      assert.equal(errorCodeOf(refused), 'code_expired');
      offset = 0;
      assert.equal((await tickets(who.account.id)).length, 0);
    });

    it('reused codes are refused and no second link is handed out', async () => {
      const who = await person();
      const browser = new HttpBrowser();
      const { page, email, mobile } = await startWithCodes(browser, who);
      // What the browser holds before finishing, replayed afterwards from another client.
      const replay = new HttpBrowser();
      for (const cookie of await browser.jar.getCookies(tobira.issuer)) await replay.jar.setCookie(cookie.toString(), tobira.issuer);
      const done = await submitCodes(browser, page, { email_code: email, mobile_code: mobile });
      assert.equal(done.status, 303);
      const again = await submitCodes(replay, page, { email_code: email, mobile_code: mobile });
      assert.equal(again.status, 400);
      assert.equal(errorCodeOf(again), 'code_expired');
      assert.equal((await tickets(who.account.id)).length, 1);
      // And in the browser that finished, the attempt is gone.
      const gone = await submitCodes(browser, page, { email_code: email, mobile_code: mobile });
      assert.equal(errorCodeOf(gone), 'phone_change_step_missing');
    });

    it('another browser cannot finish the attempt, even with the right codes', async () => {
      const who = await person();
      const browser = new HttpBrowser();
      const { page, email, mobile } = await startWithCodes(browser, who);

      const stranger = new HttpBrowser();
      const strangerPage = await stranger.request(`${tobira.issuer}/phone-change`);
      const noAttempt = await submitCodes(stranger, { ...strangerPage, body: page.body.replace(/name="_csrf" value="[^"]*"/, `name="_csrf" value="${/name="_csrf" value="([^"]+)"/.exec(strangerPage.body)?.[1]}"`) }, { email_code: email, mobile_code: mobile });
      assert.equal(noAttempt.status, 400);
      assert.equal(errorCodeOf(noAttempt), 'phone_change_step_missing');

      // Its own attempt for the same account has codes of its own (sent to the owner), not these.
      const mails = sink.messages.length;
      const own = await start(stranger, who.account.email);
      await sink.codeFor(who.contactEmail, mails);
      const refused = await submitCodes(stranger, own, { email_code: email, mobile_code: mobile });
      assert.equal(errorCodeOf(refused), 'code_invalid');
      assert.equal((await tickets(who.account.id)).length, 0);

      const done = await submitCodes(browser, page, { email_code: email, mobile_code: mobile });
      assert.equal(done.status, 303, 'the owner\'s attempt is untouched');
    });

    it('five wrong codes use up that attempt\'s code only: a stranger\'s wrong codes lock nobody out, a new attempt works', async () => {
      const who = await person();
      const browser = new HttpBrowser();
      const { page, email, mobile } = await startWithCodes(browser, who);
      for (let i = 1; i <= 5; i += 1) {
        const refused = await submitCodes(browser, page, { email_code: wrong(email), mobile_code: mobile });
        assert.equal(errorCodeOf(refused), i < 5 ? 'code_invalid' : 'too_many_attempts', `try ${i}`);
      }
      const right = await submitCodes(browser, page, { email_code: email, mobile_code: mobile });
      assert.equal(right.status, 429);
      assert.equal(errorCodeOf(right), 'too_many_attempts', 'that code is used up, even when right');
      assert.equal((await tickets(who.account.id)).length, 0);

      // The owner (or anyone) starts again: new codes, and they work.
      const owner = new HttpBrowser();
      const fresh = await startWithCodes(owner, who);
      const done = await submitCodes(owner, fresh.page, { email_code: fresh.email, mobile_code: fresh.mobile });
      assert.equal(done.status, 303, 'a new attempt is not locked');

      // An unknown account answers the same way: its decoy code is used up after five.
      const unknown = `locked.nobody.${kind}@example.com`;
      const decoy = await start(browser, unknown);
      const answers: Array<string | undefined> = [];
      for (let i = 1; i <= 5; i += 1) answers.push(errorCodeOf(await submitCodes(browser, decoy, { email_code: '000000', mobile_code: '000000' })));
      assert.deepEqual(answers, ['code_invalid', 'code_invalid', 'code_invalid', 'code_invalid', 'too_many_attempts']);
      assert.equal(errorCodeOf(await start(browser, unknown)), undefined, 'a new attempt starts');
    });

    it('a stranger\'s starts from one place do not use up the owner\'s: five per account and source, fifteen per account (the SMS budget)', async () => {
      const who = await person();
      const startFrom = async (ip: string): Promise<string> => {
        const browser = new HttpBrowser();
        const page = await browser.request(`${tobira.issuer}/phone-change`);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
        const res = await browser.request(`${tobira.issuer}/phone-change/start`, { form: { _csrf: csrf, account: who.account.email }, headers: { 'x-forwarded-for': ip } });
        return res.status === 303 ? 'started' : `${res.status} ${errorCodeOf(res) ?? ''}`;
      };
      const stranger: string[] = [];
      for (let i = 0; i < 6; i += 1) stranger.push(await startFrom('203.0.113.20'));
      assert.deepEqual(stranger, [...Array<string>(5).fill('started'), '429 phone_change_rate_limited']);
      assert.equal(await startFrom('198.51.100.20'), 'started', 'the owner, elsewhere, starts');
      // From many places, the account's SMS budget still ends at fifteen starts an hour.
      const elsewhere: string[] = [];
      for (let i = 0; i < 10; i += 1) elsewhere.push(await startFrom(`192.0.2.${i + 1}`));
      assert.deepEqual(elsewhere, [...Array<string>(9).fill('started'), '429 phone_change_rate_limited']);
    });

    it('at most 5 attempts per account and hour, known or not: no more codes go out', async () => {
      const who = await person();
      const unknown = `busy.nobody.${kind}@example.com`;
      const browser = new HttpBrowser();
      for (let i = 1; i <= 5; i += 1) {
        assert.equal((await start(browser, who.account.email)).status, 200);
        assert.equal((await start(browser, unknown)).status, 200);
      }
      const sent = (await events(who.account.id, 'phone_change.codes_sent')).length;
      for (const account of [who.account.email, unknown]) {
        const refused = await start(browser, account);
        assert.equal(refused.status, 429);
        assert.equal(errorCodeOf(refused), 'phone_change_rate_limited');
        assert.match(refused.body, /requested too often/);
      }
      assert.equal((await events(who.account.id, 'phone_change.codes_sent')).length, sent, 'nothing sent');
      assert.equal(sent, 5);
      offset = 3_601_000;
      assert.equal((await start(browser, who.account.email)).status, 200, 'an hour later it works again');
    });

    it('refuses a bad account ID and a form without the CSRF token, and starts nothing', async () => {
      const browser = new HttpBrowser();
      const page = await browser.request(`${tobira.issuer}/phone-change`);
      const bad = await browser.submit(page, '/phone-change/start', { account: 'not an e-mail' });
      assert.equal(bad.status, 400);
      assert.equal(errorCodeOf(bad), 'invalid_input');
      const forged = await browser.request(`${tobira.issuer}/phone-change/start`, { form: { account: `user1.${kind}@example.com` } });
      assert.equal(forged.status, 403);
      assert.equal(errorCodeOf(forged), 'csrf_failed');
      const codes = await codesPage(browser);
      assert.equal(errorCodeOf(codes), 'phone_change_step_missing');
    });
  });
}
