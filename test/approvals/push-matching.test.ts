// Push matching that meets the current bar (issue 10, row 7): one wrong number pauses push sign-in
// from untrusted browsers and tells the owner; the `acr` says which matching was used, and a
// partner (openid-client) that needs the typed six digits asks for them with acr_values. Over
// HTTP, with the phone's real approval endpoints and a software authenticator.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, redeem, startAuthorization } from '../support/partner.ts';
import { harness, jsonOf, startPushTobira, type PcRequest, type Phone } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { mailText } from '../support/recovery-harness.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { FEATURE_STORES, freshStore } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

const TYPED = 'urn:tobira:acr:push:typed';
const PICKED = 'urn:tobira:acr:push';

for (const kind of FEATURE_STORES) {
  describe(`push matching and its acr (${kind} store)`, function () {
    this.timeout(60_000);
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let receiver: PushReceiver;
    let smtp: SmtpSink;
    let config: oidc.Configuration;
    const h = harness(() => tobira.issuer, () => receiver);

    before(async () => {
      receiver = new PushReceiver();
      smtp = new SmtpSink();
      const [smtpUrl] = await Promise.all([smtp.start(), receiver.start()]);
      store = await freshStore(kind, { now: () => Date.now() + offset });
      tobira = await startPushTobira(store, { SMTP_URL: smtpUrl, PUSH_WRONG_NUMBER_PAUSE_SECONDS: '600' }, { now: () => Date.now() + offset });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await receiver.stop();
      await smtp.stop();
    });
    afterEach(() => {
      offset = 0;
    });

    /** A number the phone offers that is not the one on the screen. */
    async function wrongChoice(phone: Phone, pc: PcRequest): Promise<string> {
      const listed = await phone.browser.request(`${tobira.issuer}/device/api/approvals`, { headers: { accept: 'application/json' } });
      assert.equal(listed.headers.get('cache-control'), 'no-store', 'the list carries addresses and places: no cache may keep it');
      const view = (jsonOf(listed).approvals as Array<{ id: string; choices: string[] }>)
        .find((approval) => approval.id === pc.started.approvalId);
      const wrong = view?.choices.find((choice) => choice !== pc.started.number);
      assert.ok(wrong, 'the phone offers three numbers');
      return wrong;
    }

    /** Approves on the phone and finishes the sign-in in the PC's browser. */
    async function approveAndComplete(phone: Phone, pc: PcRequest): Promise<Page> {
      assert.equal((await h.approveOn(phone, String(pc.started.approvalId), String(pc.started.number))).status, 200);
      const done = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${String(pc.started.approvalId)}/complete`, {}, pc.csrf);
      assert.equal(done.status, 200, done.body);
      return done;
    }

    /** A partner's authorization in `browser`, and "Notify my phone" pressed on its sign-in page. */
    async function askPhoneFrom(phone: Phone, browser: HttpBrowser, params: Record<string, string> = {}): Promise<{ pending: Awaited<ReturnType<typeof startAuthorization>>; pc: PcRequest }> {
      const pending = await startAuthorization(config, params);
      const login = await browser.follow(pending.url.href);
      const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1] ?? '';
      const csrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '';
      const asked = await h.postJson(browser, `/interaction/${uid}/push`, { email: phone.email }, csrf);
      assert.equal(asked.status, 200, asked.body);
      return { pending, pc: { browser, uid, csrf, started: jsonOf(asked) } };
    }

    /** The partner's whole sign-in by phone: authorization, "Notify my phone", approval, consent, code, tokens. */
    async function signInByPhone(phone: Phone, browser: HttpBrowser, params: Record<string, string> = {}): Promise<{ started: Record<string, unknown>; claims: oidc.IDToken }> {
      const { pending, pc } = await askPhoneFrom(phone, browser, params);
      const done = await approveAndComplete(phone, pc);
      const next = await browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK);
      const callback = next.url.startsWith(PARTNER_CALLBACK) ? next : await browser.submit(next, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
      const tokens = await redeem(config, pending, callback.url);
      return { started: pc.started, claims: tokens.claims()! };
    }

    it('after one wrong pick, untrusted browsers are paused and the owner is told once; trusted browsers keep working', async () => {
      const phone = await h.phoneFor(config, `blind.${kind}@example.com`);
      const account = await tobira.store.accounts.findByEmail(phone.email);
      // A browser the owner used before: trusted after a number-matched approval.
      const trusted = new HttpBrowser();
      await approveAndComplete(phone, await h.pcRequests(config, phone.email, trusted));

      const mailsBefore = smtp.messages.length;
      const stranger = await h.pcRequests(config, phone.email);
      const second = await h.pcRequests(config, phone.email);
      assert.equal(stranger.started.matching, 'choose');
      const picked = await h.approveOn(phone, String(stranger.started.approvalId), await wrongChoice(phone, stranger));
      assert.deepEqual([picked.status, jsonOf(picked).error], [400, 'wrong_number']);
      assert.equal(await h.statusOn(stranger, String(stranger.started.approvalId)), 'denied');

      // The owner is told, in the language of the phone that answered.
      const mail = await smtp.latestTo(phone.email, mailsBefore);
      assert.match(mail.subject, /wrong number/);
      const text = mailText(mail.raw);
      assert.match(text, /Partner Shop/);
      assert.match(text, /next 10 minutes/);
      assert.match(text, /passkeys still work/);

      // Another untrusted browser is refused with a clear code, nothing is created or pushed.
      const pushesBefore = receiver.messages.length;
      const paused = await h.pcRequests(config, phone.email);
      assert.deepEqual(paused.started, { error: 'push_paused', status: 429 });
      assert.equal(receiver.messages.length, pushesBefore, 'no push while paused');
      assert.deepEqual((await tobira.store.approvals.listPending(account!.id)).map((approval) => approval.id), [second.started.approvalId], 'only the one asked before the pause');

      // The trusted browser keeps working.
      const fromTrusted = await h.pcRequests(config, phone.email, trusted);
      assert.equal(fromTrusted.started.kind, 'sent');
      assert.equal(fromTrusted.started.matching, 'none');
      await approveAndComplete(phone, fromTrusted);

      // One pause, one event, one mail: a second wrong number in the window adds neither.
      const secondPick = await h.approveOn(phone, String(second.started.approvalId), await wrongChoice(phone, second));
      assert.equal(jsonOf(secondPick).error, 'wrong_number');
      const pausedEvents = await tobira.store.audit.listByAccount(account!.id, 100, ['push.paused']);
      assert.equal(pausedEvents.length, 1);
      assert.equal(pausedEvents[0]?.details.reason, 'wrong_number');
      const warnings = smtp.messages.slice(mailsBefore).filter((m) => m.to.includes(phone.email) && /wrong number/.test(m.subject));
      assert.equal(warnings.length, 1);

      // After the pause (PUSH_WRONG_NUMBER_PAUSE_SECONDS=600), untrusted browsers may ask again.
      offset = 601_000;
      const later = await h.pcRequests(config, phone.email);
      assert.equal(later.started.kind, 'sent');
      assert.equal(later.started.matching, 'choose');
      await h.postJson(phone.browser, `/device/api/approvals/${String(later.started.approvalId)}/deny`, { report: false }, phone.csrf);
    });

    it('tells a Japanese phone\'s owner in Japanese, also after a wrong typed number', async () => {
      const phone = await h.phoneFor(config, `nihongo.${kind}@example.com`);
      const mailsBefore = smtp.messages.length;
      const browser = new HttpBrowser();
      const pending = await startAuthorization(config, { acr_values: TYPED });
      const login = await browser.follow(pending.url.href);
      const uid = /data-uid="([^"]+)"/.exec(login.body)?.[1] ?? '';
      const csrf = /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '';
      const started = jsonOf(await h.postJson(browser, `/interaction/${uid}/push`, { email: phone.email }, csrf));
      assert.equal(started.matching, 'type');
      const typo = String((Number(started.number) + 1) % 1_000_000).padStart(6, '0');
      const refused = await phone.browser.request(`${tobira.issuer}/device/api/approvals/${String(started.approvalId)}/options`, {
        method: 'POST', body: JSON.stringify({ number: typo }),
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': phone.csrf, 'accept-language': 'ja' },
      });
      assert.equal(jsonOf(refused).error, 'wrong_number');
      const text = mailText((await smtp.latestTo(phone.email, mailsBefore)).raw);
      assert.match(text, /違う番号/);
      assert.match(text, /10分間/);
      assert.deepEqual((await h.pcRequests(config, phone.email)).started, { error: 'push_paused', status: 429 });
    });

    it('the acr says which matching was used, and a partner asking for the typed number gets it, even in a trusted browser', async () => {
      const metadata = config.serverMetadata();
      assert.deepEqual(metadata.acr_values_supported, ['phr', TYPED, PICKED, 'urn:tobira:acr:password']);
      const phone = await h.phoneFor(config, `acr.${kind}@example.com`);
      const browser = new HttpBrowser();

      // The default: a pick among three → urn:tobira:acr:push.
      const picked = await signInByPhone(phone, browser);
      assert.equal(picked.started.matching, 'choose');
      assert.equal(picked.claims.acr, PICKED);
      assert.deepEqual(picked.claims.amr, ['mca', 'user', 'mfa']);

      // Now trusted, the browser shows no number → still urn:tobira:acr:push.
      const unmatched = await signInByPhone(phone, browser, { prompt: 'login' });
      assert.equal(unmatched.started.matching, 'none');
      assert.equal(unmatched.claims.acr, PICKED);

      // A partner that needs the typed number: its session (acr push) does not do, prompt=none says so.
      const silent = await startAuthorization(config, { acr_values: TYPED, prompt: 'none' });
      const answer = await browser.follow(silent.url.href, {}, PARTNER_CALLBACK);
      assert.equal(new URL(answer.url).searchParams.get('error'), 'login_required');

      // Asked for it, the phone makes the user type six digits, even in this trusted browser.
      const typed = await signInByPhone(phone, browser, { acr_values: TYPED });
      assert.equal(typed.started.matching, 'type');
      assert.match(String(typed.started.number), /^\d{6}$/);
      assert.equal(typed.claims.acr, TYPED);
      // The acr claim request works the same way.
      const viaClaims = await signInByPhone(phone, new HttpBrowser(), { claims: JSON.stringify({ id_token: { acr: { essential: true, values: [TYPED, 'phr'] } } }) });
      assert.equal(viaClaims.started.matching, 'type');
      assert.equal(viaClaims.claims.acr, TYPED);

      // That session now meets the requirement: no new sign-in is asked.
      const again = await startAuthorization(config, { acr_values: TYPED, prompt: 'none' });
      const code = await browser.follow(again.url.href, {}, PARTNER_CALLBACK);
      assert.equal((await redeem(config, again, code.url)).claims()?.acr, TYPED);
    });

    it('a trusted browser signing in without a number gets its trust cookie renewed for TRUSTED_BROWSER_DAYS', async () => {
      const phone = await h.phoneFor(config, `renewed.${kind}@example.com`);
      const browser = new HttpBrowser();
      await signInByPhone(phone, browser);
      const trustCookie = (): Promise<string | undefined> => browser.jar.getCookies(tobira.issuer).then((cookies) => cookies.find((c) => c.key === 'tobira.tb')?.value);
      const token = await trustCookie();
      assert.ok(token, 'a number-matched approval trusts the browser');

      const { pc } = await askPhoneFrom(phone, browser, { prompt: 'login' });
      assert.equal(pc.started.matching, 'none');
      const done = await approveAndComplete(phone, pc);
      const renewed = done.headers.getSetCookie().find((c) => c.startsWith('tobira.tb='));
      assert.ok(renewed, 'the completion sets the trust cookie again');
      assert.ok(renewed.startsWith(`tobira.tb=${token};`), 'the same token: the record it stands for is kept');
      const expires = Date.parse(/expires=([^;]+)/i.exec(renewed)?.[1] ?? '');
      const days = (expires - Date.now()) / 86_400_000;
      assert.ok(days > 399 && days <= 400, `TRUSTED_BROWSER_DAYS (400) from now, got ${days.toFixed(2)} days`);
      assert.equal(await trustCookie(), token);
    });

    it('a partner that needs the typed number is never given a password sign-in', async () => {
      const browser = new HttpBrowser();
      const { uid, csrf, body } = await h.signInPage(config, browser, { acr_values: TYPED });
      assert.match(body, /id="typed-push-notice"/);
      assert.match(body, /id="push-button"/, 'the phone is offered');
      assert.doesNotMatch(body, /id="password-row"/, 'the password is not');
      const refused = await browser.request(`${tobira.issuer}/interaction/${uid}/password`, { form: { _csrf: csrf, email: 'acr.x@example.com', password: 'correct horse battery staple' } });
      assert.equal(refused.status, 403);
      assert.match(refused.body, /data-code="stronger_sign_in_required"/);
      // A partner that also accepts a picked number or a password keeps the usual page.
      const usual = await h.signInPage(config, new HttpBrowser(), { acr_values: `${TYPED} ${PICKED}` });
      assert.match(usual.body, /id="password-row"/);
      assert.doesNotMatch(usual.body, /id="typed-push-notice"/);
    });
  });
}

describe('push matching when the mail server is down', function () {
  this.timeout(30_000);
  let tobira: RunningTobira;
  let receiver: PushReceiver;
  const h = harness(() => tobira.issuer, () => receiver);

  let mail: SmtpSink;

  before(async () => {
    receiver = new PushReceiver();
    await receiver.start();
    // A mail server of this suite's own, stopped once the account is signed up (its sign-up needs a
    // mailed code): from then on every mail fails to send.
    mail = new SmtpSink();
    tobira = await startPushTobira('memory', { SMTP_URL: await mail.start() });
  });
  after(async () => {
    await tobira.close();
    await receiver.stop();
  });

  it('a wrong number is still answered wrong_number, the pause holds, and the undelivered notice is audited', async () => {
    const config = await discover(tobira.issuer);
    const phone = await h.phoneFor(config, 'nomail@example.com');
    await mail.stop();
    const account = await tobira.store.accounts.findByEmail(phone.email);
    const pc = await h.pcRequests(config, phone.email);
    const approval = await tobira.store.approvals.find(String(pc.started.approvalId));
    const wrong = approval!.choices.find((choice) => choice !== pc.started.number)!;
    const picked = await h.approveOn(phone, String(pc.started.approvalId), wrong);
    assert.deepEqual([picked.status, jsonOf(picked).error], [400, 'wrong_number']);
    assert.deepEqual((await h.pcRequests(config, phone.email)).started, { error: 'push_paused', status: 429 });
    const failed = await tobira.store.audit.listByAccount(account!.id, 50, ['notice.failed']);
    assert.equal(failed[0]?.details.notice, 'push.paused');
  });
});
