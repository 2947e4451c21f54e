// Lost phone, nothing else works, over HTTP: the request form answers the same for every account ID;
// an operator approves through the operator API; the enrolment link reaches only the account's
// verified contacts; using it takes away every old way in (phone, passkeys, sessions, refresh
// tokens, trusted browsers). Every refused input is checked to change nothing.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { hashPassword } from '../../src/accounts/password-hasher.ts';
import type { RecoveryRequest, Store } from '../../src/store/types.ts';
import { passkeySignIn as partnerPasskeySignIn, signInPage } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, PARTNER_CALLBACK, PASSWORD, startAuthorization } from '../support/partner.ts';
import { harness, jsonOf, startPushTobira } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { adminCall, enrolmentLinkIn, enrolWithLink, fileRecoveryRequest, lostPhoneAccount, mailMatching, mailText, passkeySignIn, smsMatching, ADMIN_TOKEN, type LostPhoneAccount } from '../support/recovery-harness.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { featureSuite, freshStore, race, STORE_KINDS } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';

const CONTACT_EMAIL = 'alice.home@example.net';
const CONTACT_MOBILE = '+819012345678';

for (const kind of STORE_KINDS) {
  featureSuite(kind, `lost-phone recovery over HTTP (${kind} store)`, function () {
    this.timeout(60_000);
    // Moved forward by the last test to open a new hour of the per-account-ID count.
    let offset = 0;
    const now = (): number => Date.now() + offset;
    let store: Store;
    let tobira: RunningTobira;
    let smtp: SmtpSink;
    let sms: SmsSink;
    let receiver: PushReceiver;
    let config: oidc.Configuration;
    let alice: LostPhoneAccount;
    const h = harness(() => tobira.issuer, () => receiver);

    before(async () => {
      smtp = new SmtpSink();
      sms = new SmsSink();
      receiver = new PushReceiver();
      const [smtpUrl, smsUrl] = await Promise.all([smtp.start(), sms.start(), receiver.start()]);
      store = await freshStore(kind, { now });
      // TRUST_PROXY: the per-source limits tell requests apart by X-Forwarded-For.
      tobira = await startPushTobira(store, { SMTP_URL: smtpUrl, SMS_HOOK_URL: smsUrl, ADMIN_TOKEN, TRUST_PROXY: 'true' }, { now });
      config = await discover(tobira.issuer);
      alice = await lostPhoneAccount(h, config, tobira.issuer, receiver, `alice.${kind}@example.com`);
      const verifiedAt = new Date();
      await store.accounts.setContact(alice.accountId, 'email', { value: CONTACT_EMAIL, verifiedAt }, verifiedAt);
      await store.accounts.setContact(alice.accountId, 'mobile', { value: CONTACT_MOBILE, verifiedAt }, verifiedAt);
    });
    after(async () => {
      await tobira?.close();
      await store?.close();
      await Promise.all([smtp?.stop(), sms?.stop(), receiver?.stop()]);
    });

    const allRequests = (): Promise<RecoveryRequest[]> => store.recoveryRequests.list({ limit: 1000 });
    const pendingFor = async (hint: string): Promise<RecoveryRequest[]> => (await store.recoveryRequests.list({ status: 'pending', limit: 1000 })).filter((r) => r.accountHint === hint);
    const auditCount = async (type: string): Promise<number> => (await store.audit.list({ type, limit: 1000 })).length;
    const mailsWithLinkTo = (address: string, since: number): string[] => smtp.messages.slice(since).filter((m) => m.to.includes(address)).map((m) => mailText(m.raw)).filter((text) => text.includes('/enrol/'));

    /** A plain account (no phone) for the operator-decision tests. */
    async function plainAccount(label: string): Promise<string> {
      const account = await store.accounts.create({ email: `${label}.${kind}@example.com`, emailVerified: true, name: label, passwordHash: null });
      return account.email;
    }

    async function requestFor(email: string, fields: Record<string, string> = {}): Promise<RecoveryRequest> {
      const before = new Set((await allRequests()).map((r) => r.id));
      const page = await fileRecoveryRequest(tobira.issuer, { accountId: email, contactEmail: 'typed.contact@example.org', message: 'I lost my phone.', ...fields });
      assert.equal(page.status, 303, page.body);
      const created = (await allRequests()).find((r) => !before.has(r.id));
      assert.ok(created, 'the request was stored');
      return created;
    }

    it('answers a known and an unknown account ID the same way (status, page, JSON), and keeps both for operators', async () => {
      const mailsBefore = smtp.messages.length;
      const smsBefore = sms.messages.length;
      const fields = { contactEmail: CONTACT_EMAIL, contactMobile: '090-1234-5678', message: 'Lost my phone on the train yesterday.' };
      const known = await fileRecoveryRequest(tobira.issuer, { accountId: alice.email.toUpperCase(), ...fields });
      const unknown = await fileRecoveryRequest(tobira.issuer, { accountId: `nobody.${kind}@example.com`, ...fields, contactEmail: 'stranger@example.org' });
      assert.equal(known.status, 303);
      assert.equal(unknown.status, known.status);
      assert.equal(known.headers.get('location'), '/recovery/sent');
      assert.equal(unknown.headers.get('location'), known.headers.get('location'));
      assert.equal(unknown.body, known.body);
      const sentKnown = await new HttpBrowser().request(`${tobira.issuer}/recovery/sent`);
      const sentUnknown = await new HttpBrowser().request(`${tobira.issuer}/recovery/sent`);
      assert.equal(sentKnown.status, 200);
      assert.equal(sentUnknown.body, sentKnown.body);
      assert.match(sentKnown.body, /Request received/);

      const knownJson = await fileRecoveryRequest(tobira.issuer, { accountId: alice.email, ...fields }, { json: true });
      const unknownJson = await fileRecoveryRequest(tobira.issuer, { accountId: `nobody.${kind}@example.com`, ...fields }, { json: true });
      assert.equal(knownJson.status, 202);
      assert.equal(unknownJson.status, 202);
      assert.deepEqual(jsonOf(knownJson), { status: 'received' });
      assert.deepEqual(jsonOf(unknownJson), jsonOf(knownJson));

      const [aliceFirst, aliceSecond] = await pendingFor(alice.email);
      assert.ok(aliceFirst && aliceSecond);
      assert.equal(aliceFirst.accountId, alice.accountId);
      assert.equal(aliceFirst.contactMobile, CONTACT_MOBILE, 'the mobile number is kept in E.164');
      assert.equal(aliceFirst.message, fields.message);
      assert.equal(aliceFirst.ip, '127.0.0.1');
      const nobody = await pendingFor(`nobody.${kind}@example.com`);
      assert.equal(nobody.length, 2);
      assert.equal(nobody[0]?.accountId, null, 'kept with no account, so operators see the attempt');
      assert.equal((await store.audit.listByAccount(alice.accountId, 50, ['recovery.requested'])).length, 2);
      assert.equal((await store.audit.list({ type: 'recovery.requested', limit: 50 })).filter((e) => e.accountId === null).length, 2);

      // The account's own addresses hear of it; the unknown ID's typed contact hears nothing.
      await mailMatching(smtp, alice.email, /Someone asked to recover your tobira account/, mailsBefore);
      await smsMatching(sms, CONTACT_MOBILE, /recovery request/, smsBefore);
      assert.ok(!smtp.messages.slice(mailsBefore).some((m) => m.to.includes('stranger@example.org') || m.to.includes(`nobody.${kind}@example.com`)));
    });

    it('refuses bad input with a clear code and stores nothing', async () => {
      const before = (await allRequests()).length;
      const auditBefore = await auditCount('recovery.requested');
      const valid = { accountId: alice.email, contactEmail: CONTACT_EMAIL, contactMobile: '', message: 'Lost it.' };
      const cases: Array<[Record<string, string>, number, string]> = [
        [{ ...valid, accountId: '' }, 400, 'invalid_input'],
        [{ ...valid, accountId: 'not-an-email' }, 400, 'invalid_input'],
        [{ ...valid, accountId: `${'a'.repeat(250)}@example.com` }, 400, 'invalid_input'],
        [{ ...valid, contactEmail: 'nope' }, 400, 'invalid_input'],
        [{ ...valid, contactEmail: '', contactMobile: '' }, 400, 'contact_required'],
        [{ ...valid, contactMobile: 'call me maybe' }, 400, 'mobile_number_invalid'],
        [{ ...valid, contactMobile: '03-1234-5678' }, 400, 'not_a_mobile_number'],
        [{ ...valid, contactMobile: '1'.repeat(33) }, 400, 'invalid_input'],
        [{ ...valid, message: '' }, 400, 'invalid_input'],
        [{ ...valid, message: 'x'.repeat(2001) }, 400, 'invalid_input'],
        [{ ...valid, message: 'x'.repeat(70_000) }, 413, 'payload_too_large'],
        // Control characters could redraw an operator's terminal (fake "match" lines).
        [{ ...valid, message: 'Lost it.\u001b[2K\u001b[1Amatch:       e-mail match' }, 400, 'control_characters'],
        [{ ...valid, message: 'Lost it.\u001b]8;;https://evil.example/\u0007here\u001b]8;;\u0007' }, 400, 'control_characters'],
        [{ ...valid, message: 'Lost it.\rverified' }, 400, 'control_characters'],
        [{ ...valid, message: 'Lost it.\u009b2K' }, 400, 'control_characters'],
        [{ ...valid, message: 'Lost\u0000 it.' }, 400, 'control_characters'],
        [{ ...valid, message: 'Lost\u007f it.' }, 400, 'control_characters'],
        [{ ...valid, contactMobile: '090\u00851234\u00855678' }, 400, 'control_characters'],
      ];
      for (const [fields, status, code] of cases) {
        const page = await fileRecoveryRequest(tobira.issuer, fields);
        assert.equal(page.status, status, `${JSON.stringify(fields).slice(0, 80)}: ${page.body.slice(0, 300)}`);
        assert.equal(errorCodeOf(page), code);
        const json = await fileRecoveryRequest(tobira.issuer, fields, { json: true });
        assert.equal(json.status, status);
        assert.equal(jsonOf(json).error, code);
      }
      // The form shows the refusal with what was typed, in the page's language.
      const refused = await fileRecoveryRequest(tobira.issuer, { ...valid, contactEmail: '' }, { headers: { 'accept-language': 'ja' } });
      assert.match(refused.body, /連絡先のメールアドレスか携帯電話番号を入力してください/);
      assert.match(refused.body, new RegExp(`value="${alice.email}"`));
      // Without the form's CSRF token.
      const forged = await new HttpBrowser().request(`${tobira.issuer}/recovery`, { form: valid });
      assert.equal(forged.status, 403);
      assert.equal(errorCodeOf(forged), 'csrf_failed');
      assert.equal((await allRequests()).length, before, 'nothing stored');
      assert.equal(await auditCount('recovery.requested'), auditBefore);
    });

    it('keeps new lines and tabs in the message, a browser\'s CR LF as LF', async () => {
      const hint = `multiline.${kind}@example.com`;
      for (const json of [false, true]) {
        const page = await fileRecoveryRequest(tobira.issuer, { accountId: hint, contactEmail: 'c@example.org', message: 'Lost it on the train.\r\nLine two:\tdetails\r\n' }, { json });
        assert.equal(page.status, json ? 202 : 303, page.body);
      }
      const stored = await pendingFor(hint);
      assert.deepEqual(stored.map((r) => r.message), ['Lost it on the train.\nLine two:\tdetails', 'Lost it on the train.\nLine two:\tdetails']);
    });

    it('an operator sees the request with the account\'s contacts compared, and approving sends the link to the verified contacts only', async () => {
      const [request] = await pendingFor(alice.email);
      assert.ok(request);
      const shown = await adminCall(tobira.issuer, 'GET', `/admin/api/recovery-requests/${request.id}`, { headers: { 'x-operator': 'yamada' } });
      assert.equal(shown.status, 200);
      const account = shown.json.account as Record<string, unknown>;
      assert.equal(account.id, alice.accountId);
      assert.equal(account.email, alice.email);
      assert.equal(account.contactEmail, CONTACT_EMAIL);
      assert.equal(account.contactMobile, CONTACT_MOBILE);
      assert.equal(account.phones, 1);
      assert.equal(account.passkeys, 1);
      assert.deepEqual(shown.json.contacts, { email: 'match', mobile: 'match' });
      assert.ok((shown.json.recentEvents as Array<{ type: string }>).some((e) => e.type === 'recovery.requested'));
      const viewed = await store.audit.listByAccount(alice.accountId, 5, ['recovery.viewed']);
      // Who looked is who authenticated (here the bootstrap token: no admin exists); X-Operator is ignored.
      assert.equal(viewed[0]?.actor, 'operator:bootstrap-token');

      const mailsBefore = smtp.messages.length;
      const smsBefore = sms.messages.length;
      const approved = await adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${request.id}/approve`, { body: { operator: 'yamada', note: 'called the user back' } });
      assert.equal(approved.status, 200, JSON.stringify(approved.json));
      assert.equal((approved.json.request as RecoveryRequest).status, 'approved');
      assert.deepEqual(approved.json.delivery, { email: { to: CONTACT_EMAIL, sent: true }, sms: { to: CONTACT_MOBILE, sent: true } });
      assert.ok(!JSON.stringify(approved.json).includes('/enrol/'), 'the operator never sees the link');
      const stored = await store.recoveryRequests.findById(request.id);
      assert.equal(stored?.status, 'approved');
      assert.equal(stored?.decidedBy, 'operator:bootstrap-token');
      assert.equal(stored?.decisionNote, 'called the user back');
      assert.equal(stored?.enrolmentSentTo, `${CONTACT_EMAIL}, ${CONTACT_MOBILE}`);
      const [event] = await store.audit.listByAccount(alice.accountId, 1, ['recovery.approved']);
      assert.equal(event?.actor, 'operator:bootstrap-token');

      const link = enrolmentLinkIn(await mailMatching(smtp, CONTACT_EMAIL, /\/enrol\//, mailsBefore), tobira.issuer);
      assert.equal(enrolmentLinkIn(await smsMatching(sms, CONTACT_MOBILE, /\/enrol\//, smsBefore), tobira.issuer), link);
      assert.deepEqual(mailsWithLinkTo(alice.email, mailsBefore), [], 'not to the sign-in address when a contact e-mail is verified');
      assert.deepEqual(mailsWithLinkTo('typed.contact@example.org', 0), []);
    });

    it('the link registers a new passkey, and every old session, refresh token, trusted browser and the lost phone are refused', async () => {
      const [request] = (await store.recoveryRequests.list({ status: 'approved', limit: 10 })).filter((r) => r.accountId === alice.accountId);
      assert.ok(request);
      const link = enrolmentLinkIn(await mailMatching(smtp, CONTACT_EMAIL, /\/enrol\//), tobira.issuer);
      const [lostDevice] = await store.devices.listByAccount(alice.accountId);
      assert.ok(lostDevice);
      assert.ok((await store.oidc('Session').listByAccountId(alice.accountId)).length >= 3, 'sign-up browser, phone and PC are signed in');
      assert.ok((await store.trustedBrowsers.listByAccount(alice.accountId)).length >= 1, 'the PC is trusted');
      assert.ok((await passkeySignIn(h, config, alice.phoneKey)).status === 200, 'the lost phone\'s passkey still works before recovery');
      assert.notEqual((await store.accounts.findById(alice.accountId))?.passwordHash, null, 'a password, as whoever has the phone could set one');

      const mailsBefore = smtp.messages.length;
      const smsBefore = sms.messages.length;
      const newKey = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
      const done = await enrolWithLink(h, link, newKey);
      assert.equal(done.status, 200, done.body);
      assert.equal(jsonOf(done).credentialId, newKey.credentialId);

      assert.deepEqual((await store.passkeys.listByAccount(alice.accountId)).map((p) => p.credentialId), [newKey.credentialId]);
      assert.deepEqual(await store.devices.listByAccount(alice.accountId), []);
      assert.deepEqual(await store.oidc('Session').listByAccountId(alice.accountId), []);
      assert.deepEqual(await store.oidc('RefreshToken').listByAccountId(alice.accountId), []);
      assert.deepEqual(await store.oidc('AccessToken').listByAccountId(alice.accountId), []);
      assert.deepEqual(await store.trustedBrowsers.listByAccount(alice.accountId), []);
      const completed = await store.recoveryRequests.findById(request.id);
      assert.equal(completed?.status, 'completed');
      assert.ok(completed?.completedAt);
      const [event] = await store.audit.listByAccount(alice.accountId, 1, ['recovery.completed']);
      assert.equal(event?.details.removedPhones, 1);
      assert.equal(event?.details.removedPasskeys, 1);
      assert.equal(event?.details.requestCompleted, true);
      assert.equal(event?.details.passwordRemoved, true);
      const recovered = await store.accounts.findById(alice.accountId);
      assert.equal(recovered?.passwordHash, null, 'the password is gone: whoever had the phone could have set it');
      assert.equal(recovered?.alwaysPasskey, false, 'the mode is left as it was');
      const passwordBrowser = new HttpBrowser();
      const login = await passwordBrowser.follow((await startAuthorization(config)).url.href);
      const byPassword = await passwordBrowser.submit(login, '/password', { email: alice.email, password: PASSWORD }, PARTNER_CALLBACK);
      assert.ok(!byPassword.url.startsWith(PARTNER_CALLBACK), 'the password signs in no more');
      assert.equal(errorCodeOf(byPassword), 'invalid_credentials');

      // Every old way in is refused.
      await assert.rejects(oidc.refreshTokenGrant(config, alice.refreshToken), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      for (const browser of [alice.browser, alice.pc, alice.phone]) {
        const menu = await browser.request(`${tobira.issuer}/account`);
        assert.equal(menu.status, 303, 'sent to sign in');
        assert.match(menu.headers.get('location') ?? '', /\/auth\?/);
      }
      const lostPasskey = await passkeySignIn(h, config, alice.phoneKey);
      assert.equal(lostPasskey.status, 400);
      assert.equal(jsonOf(lostPasskey).error, 'unknown_passkey');
      const lostDeviceAnswers = await h.postJson(alice.phone, '/device/api/setup/options', { existing: true }, alice.phoneCsrf);
      assert.equal(lostDeviceAnswers.status, 401, 'the lost phone\'s device cookie approves nothing without a session');
      assert.equal(await store.devices.findById(lostDevice.id), undefined);
      assert.equal((await passkeySignIn(h, config, newKey)).status, 200, 'the new passkey signs in');

      // The account's addresses are told, in the language of the enrolment page.
      for (const address of [alice.email, CONTACT_EMAIL]) {
        const texts = smtp.messages.slice(mailsBefore).filter((m) => m.to.includes(address)).map((m) => mailText(m.raw));
        assert.ok(texts.some((text) => /Your tobira account was recovered/.test(text)), texts.join('\n----\n'));
      }
      assert.ok(sms.messages.slice(smsBefore).some((m) => m.to === CONTACT_MOBILE && /account was recovered/.test(m.text) && /check your contact details/.test(m.text)));
      // They are told the password is gone, and shown the contacts the account has now, to check them.
      const notice = await mailMatching(smtp, alice.email, /Your tobira account was recovered/, mailsBefore);
      assert.match(notice, /The account's password was removed too/);
      assert.match(notice, /check the contact details/);
      assert.match(notice, new RegExp(`Sign-in e-mail: ${alice.email.replace(/\./g, '\\.')}\r?\n`));
      assert.match(notice, new RegExp(`Contact e-mail: ${CONTACT_EMAIL.replace(/\./g, '\\.')}\r?\n`));
      assert.match(notice, /Contact mobile: \+819012345678\r?\n/);

      // The operator sees how it ended.
      const shown = await adminCall(tobira.issuer, 'GET', `/admin/api/recovery-requests/${request.id}`);
      assert.equal((shown.json.account as Record<string, unknown>).hasPassword, false);
      const completion = shown.json.completion as Record<string, unknown>;
      assert.equal(completion.outcome, 'completed');
      assert.equal(completion.passwordRemoved, true);
      assert.equal(completion.removedPhones, 1);
      assert.equal(completion.removedPasskeys, 1);
      assert.deepEqual(completion.failedSteps, []);
      assert.equal((shown.json.enrolment as Record<string, unknown>).credentialId, newKey.credentialId);

      // The link is spent.
      const replay = await new HttpBrowser().request(link);
      assert.equal(replay.status, 410);
      assert.equal(errorCodeOf(replay), 'enrolment_link_invalid');
    });

    it('voids a sign-in that finished before the recovery but waits in its interaction; the new passkey signs in right after', async () => {
      const email = `waiting.${kind}@example.com`;
      const account = await store.accounts.create({ email, emailVerified: true, name: 'Waiting', passwordHash: await hashPassword(PASSWORD) });
      // Whoever has the lost phone (and the password) signs in, but stops before following the redirect back.
      const intruder = new HttpBrowser();
      const { page: login, uid } = await signInPage(config, intruder);
      const waiting = await intruder.submit(login, '/password', { email, password: PASSWORD }, `${tobira.issuer}/auth/`);
      assert.equal(waiting.url, `${tobira.issuer}/auth/${uid}`, 'the sign-in finished and waits at its resume address');

      // The owner recovers the account: request, operator approval, enrolment link.
      const request = await requestFor(email);
      const mailsBefore = smtp.messages.length;
      assert.equal((await adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${request.id}/approve`, { body: { operator: 'sato' } })).status, 200);
      const link = enrolmentLinkIn(await mailMatching(smtp, email, /\/enrol\//, mailsBefore), tobira.issuer);
      const newKey = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
      assert.equal((await enrolWithLink(h, link, newKey)).status, 200);
      assert.equal((await store.recoveryRequests.findById(request.id))?.status, 'completed');
      const recovered = await store.accounts.findById(account.id);
      assert.ok(recovered?.sessionsValidFrom && recovered.sessionsValidFrom * 1000 <= Date.now(), 'every sign-in before the recovery is void');

      // Following the redirect now gets no code: a sign-in page asks again, and nothing is signed in.
      const resumed = await intruder.follow(waiting.url, {}, PARTNER_CALLBACK);
      assert.ok(!resumed.url.startsWith(PARTNER_CALLBACK), `reached the partner: ${resumed.url}`);
      assert.equal(resumed.status, 200);
      assert.match(resumed.body, /<form[^>]*action="[^"]*\/password"/, `the sign-in page, not ${resumed.url}: ${resumed.body.slice(0, 1500)}`);
      assert.doesNotMatch(resumed.body, /action="[^"]*\/consent"/);
      assert.notEqual(/data-uid="([^"]+)"/.exec(resumed.body)?.[1], uid, 'a new sign-in');
      assert.equal((await intruder.request(`${tobira.issuer}/account`)).status, 303, 'not signed in in the account menu');
      const device = await intruder.request(`${tobira.issuer}/device`);
      assert.equal(device.headers.get('location'), '/account/login?next=/device', 'nor on /device');

      // The new passkey signs in right away, through to the partner's code.
      const fresh = await partnerPasskeySignIn(tobira.issuer, config, new HttpBrowser(), newKey);
      assert.ok(fresh.url.startsWith(PARTNER_CALLBACK) && new URL(fresh.url).searchParams.has('code'), fresh.url);
    });

    race('sends the link to the sign-in address when the account has no verified contact, and two operators approving at once send one link', async () => {
      const bob = await plainAccount('bob');
      const request = await requestFor(bob);
      const mailsBefore = smtp.messages.length;
      const answers = await Promise.all(['sato', 'suzuki'].map((operator) => adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${request.id}/approve`, { body: { operator } })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409]);
      const loser = answers.find((a) => a.status === 409);
      assert.equal(loser?.json.error, 'recovery_request_decided');
      const winner = answers.find((a) => a.status === 200);
      assert.deepEqual(winner?.json.delivery, { email: { to: bob, sent: true }, sms: null });
      await smtp.latestTo(bob, mailsBefore);
      assert.equal(mailsWithLinkTo(bob, mailsBefore).length, 1, 'exactly one link');
      assert.equal((await store.audit.list({ type: 'recovery.approved', limit: 100 })).filter((e) => e.details.requestId === request.id).length, 1);
    });

    it('never sends the link to an unverified sign-in address: SMS only, and with no verified contact the approval is refused', async () => {
      const at = new Date();
      const mobile = '+819087654321';
      const texted = await store.accounts.create({ email: `texted.${kind}@example.com`, emailVerified: false, name: 'Texted', passwordHash: null });
      await store.accounts.setContact(texted.id, 'mobile', { value: mobile, verifiedAt: at }, at);
      const unreachable = await store.accounts.create({ email: `unreachable.${kind}@example.com`, emailVerified: false, name: 'Unreachable', passwordHash: null });
      const textedRequest = await requestFor(texted.email);
      const unreachableRequest = await requestFor(unreachable.email);
      const mailsBefore = smtp.messages.length;
      const smsBefore = sms.messages.length;

      const approved = await adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${textedRequest.id}/approve`, { body: { operator: 'sato' } });
      assert.equal(approved.status, 200, JSON.stringify(approved.json));
      assert.deepEqual(approved.json.delivery, { email: null, sms: { to: mobile, sent: true } });
      assert.equal((await store.recoveryRequests.findById(textedRequest.id))?.enrolmentSentTo, mobile);
      enrolmentLinkIn(await smsMatching(sms, mobile, /\/enrol\//, smsBefore), tobira.issuer);
      assert.deepEqual(mailsWithLinkTo(texted.email, mailsBefore), [], 'not to the unverified sign-in address');

      const before = JSON.stringify(await store.recoveryRequests.findById(unreachableRequest.id));
      const issuedBefore = await auditCount('enrolment.issued');
      const approvedBefore = await auditCount('recovery.approved');
      const refused = await adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${unreachableRequest.id}/approve`, { body: { operator: 'sato' }, headers: { 'accept-language': 'en' } });
      assert.equal(refused.status, 409);
      assert.equal(refused.json.error, 'recovery_no_verified_contact');
      assert.match(String(refused.json.message), /no verified contact/);
      assert.equal(JSON.stringify(await store.recoveryRequests.findById(unreachableRequest.id)), before, 'still pending, unchanged');
      assert.equal(await auditCount('enrolment.issued'), issuedBefore, 'no link issued');
      assert.equal(await auditCount('recovery.approved'), approvedBefore);
      assert.deepEqual(mailsWithLinkTo(unreachable.email, mailsBefore), []);
      assert.ok(!sms.messages.slice(smsBefore).some((m) => m.to !== mobile));
      // The operator can still reject it.
      assert.equal((await adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${unreachableRequest.id}/reject`, { body: { operator: 'sato', reason: 'no verified contact' } })).status, 200);
      // The notices of the two requests are out before the next test counts mails.
      await mailMatching(smtp, texted.email, /Someone asked to recover/);
      await mailMatching(smtp, unreachable.email, /Someone asked to recover/);
    });

    it('refuses operator decisions that do not apply, with a clear code, changing nothing', async () => {
      const carol = await plainAccount('carol');
      const pending = await requestFor(carol);
      const [ghost] = await pendingFor(`nobody.${kind}@example.com`);
      assert.ok(ghost);
      const [done] = await store.recoveryRequests.list({ status: 'completed', limit: 1 });
      assert.ok(done);
      const snapshot = async () => JSON.stringify(await allRequests());
      const before = await snapshot();
      await mailMatching(smtp, carol, /Someone asked to recover/);
      const mailsBefore = smtp.messages.length;
      const issuedBefore = await auditCount('enrolment.issued');
      const refusals: Array<[string, unknown, number, string]> = [
        [`/admin/api/recovery-requests/${ghost.id}/approve`, { operator: 'sato' }, 409, 'recovery_account_unknown'],
        [`/admin/api/recovery-requests/${done.id}/approve`, { operator: 'sato' }, 409, 'recovery_request_decided'],
        [`/admin/api/recovery-requests/${done.id}/reject`, { operator: 'sato', reason: 'late' }, 409, 'recovery_request_decided'],
        ['/admin/api/recovery-requests/AAAAAAAAAAAAAAAAAAAAAA/approve', { operator: 'sato' }, 404, 'recovery_request_not_found'],
        ['/admin/api/recovery-requests/AAAAAAAAAAAAAAAAAAAAAA/reject', { operator: 'sato', reason: 'x' }, 404, 'recovery_request_not_found'],
        [`/admin/api/recovery-requests/${'x'.repeat(65)}/approve`, { operator: 'sato' }, 404, 'recovery_request_not_found'],
        [`/admin/api/recovery-requests/${pending.id}/approve`, { note: 42 }, 400, 'invalid_input'],
        [`/admin/api/recovery-requests/${pending.id}/approve`, { operator: 'sato', note: 'n'.repeat(1001) }, 400, 'invalid_input'],
        [`/admin/api/recovery-requests/${pending.id}/reject`, { operator: 'sato' }, 400, 'invalid_input'],
        [`/admin/api/recovery-requests/${pending.id}/reject`, { operator: 'sato', reason: '' }, 400, 'invalid_input'],
      ];
      for (const [path, body, status, code] of refusals) {
        const answer = await adminCall(tobira.issuer, 'POST', path, { body });
        assert.equal(answer.status, status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.json)}`);
        assert.equal(answer.json.error, code);
        assert.equal(typeof answer.json.message, 'string');
      }
      const missing = await adminCall(tobira.issuer, 'GET', '/admin/api/recovery-requests/AAAAAAAAAAAAAAAAAAAAAA');
      assert.equal(missing.status, 404);
      assert.equal(missing.json.error, 'recovery_request_not_found');
      assert.equal(await snapshot(), before, 'no request changed');
      assert.equal(await auditCount('enrolment.issued'), issuedBefore, 'no link issued');
      assert.equal(smtp.messages.length, mailsBefore, 'nothing sent');

      // Rejecting tells the requester nothing; a rejected request cannot be approved afterwards.
      const rejected = await adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${pending.id}/reject`, { body: { operator: 'suzuki', reason: 'contacts do not match' } });
      assert.equal(rejected.status, 200);
      assert.equal((rejected.json.request as RecoveryRequest).status, 'rejected');
      const stored = await store.recoveryRequests.findById(pending.id);
      assert.equal(stored?.decidedBy, 'operator:bootstrap-token');
      assert.equal(stored?.decisionNote, 'contacts do not match');
      const [event] = await store.audit.list({ type: 'recovery.rejected', limit: 1 });
      assert.equal(event?.actor, 'operator:bootstrap-token');
      assert.equal(event?.details.reason, 'contacts do not match');
      assert.equal(smtp.messages.length, mailsBefore, 'no mail on rejection');
      const late = await adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${pending.id}/approve`, { body: { operator: 'sato' } });
      assert.equal(late.status, 409);
      assert.equal(late.json.error, 'recovery_request_decided');
      assert.equal((await store.recoveryRequests.findById(pending.id))?.status, 'rejected');
      // The user may ask again (within the hourly limit of the account ID).
      await requestFor(carol);
    });

    race('stores the first 3 requests per account ID and source in an hour, even when they arrive at once; beyond, recovery_throttled for that source only: the owner\'s request from elsewhere is filed', async () => {
      const capped = await plainAccount('capped');
      const cappedAccount = await store.accounts.findByEmail(capped);
      const ghost = `ghost.${kind}@example.com`;
      const mailsBefore = smtp.messages.length;
      const noticesTo = (address: string): number => smtp.messages.slice(mailsBefore).filter((m) => m.to.includes(address)).map((m) => mailText(m.raw)).filter((text) => /Someone asked to recover your tobira account/.test(text)).length;
      const until = async (what: string, done: () => boolean): Promise<void> => {
        const deadline = Date.now() + 5_000;
        while (!done()) {
          assert.ok(Date.now() < deadline, what);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      const file = (hint: string, message: string, from: string): Promise<Page> => fileRecoveryRequest(tobira.issuer, { accountId: hint, contactEmail: 'c@example.org', message }, { headers: { 'x-forwarded-for': from } });
      const stranger = { [capped]: '203.0.113.7', [ghost]: '203.0.113.8' };
      for (const hint of [capped, ghost]) {
        // Six at once from one source, half of them typed in capitals (the same account ID).
        const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => file(i % 2 === 0 ? hint : hint.toUpperCase(), `try ${i}`, stranger[hint] ?? '')));
        assert.deepEqual(answers.map((a) => a.status).sort(), [303, 303, 303, 429, 429, 429]);
        assert.ok(answers.filter((a) => a.status === 303).every((a) => a.headers.get('location') === '/recovery/sent'));
        assert.ok(answers.filter((a) => a.status === 429).every((a) => errorCodeOf(a) === 'recovery_throttled'), 'a clear refusal, never a silent drop');
        assert.equal((await pendingFor(hint)).length, 3, 'only the first 3 are stored');
        const throttled = (await store.audit.list({ type: 'recovery.throttled', limit: 100 })).filter((e) => e.details.accountHint === hint);
        assert.equal(throttled.length, 3);
        assert.ok(throttled.every((e) => e.accountId === (hint === capped ? cappedAccount?.id : null)));
        // The owner, from their own address, is not locked out by the stranger's requests.
        assert.equal((await file(hint, 'the owner', '198.51.100.9')).status, 303);
        assert.equal((await pendingFor(hint)).length, 4, 'the owner\'s request is filed');
        assert.equal((await pendingFor(hint))[0]?.message, 'the owner');
      }
      await until('4 notices for the 4 stored requests', () => noticesTo(capped) >= 4);

      // Deciding a request frees nothing within the hour.
      const [first] = await pendingFor(capped);
      assert.ok(first);
      assert.equal((await adminCall(tobira.issuer, 'POST', `/admin/api/recovery-requests/${first.id}/reject`, { body: { operator: 'sato', reason: 'duplicate' } })).status, 200);
      assert.equal(errorCodeOf(await file(capped, 'once more', '203.0.113.7')), 'recovery_throttled');
      assert.equal((await pendingFor(capped)).length, 3, 'not stored');

      // An hour later the source may ask again.
      offset += 3600_000 + 1_000;
      for (const hint of [capped, ghost]) {
        assert.equal((await file(hint, 'an hour later', stranger[hint] ?? '')).status, 303);
        assert.equal((await pendingFor(hint))[0]?.message, 'an hour later');
      }
      await until('a notice for the request of the new hour', () => noticesTo(capped) >= 5);
      assert.equal(noticesTo(capped), 5, 'no notice for a request that was not stored');
      assert.equal(smtp.messages.slice(mailsBefore).filter((m) => m.to.includes('c@example.org')).length, 0);
    });
  });
}
