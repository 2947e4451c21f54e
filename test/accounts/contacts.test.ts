// Contact details in the account menu: a contact e-mail (code over real SMTP) and a contact mobile
// number (code through the SMS hook), each stored only once the code comes back. Every way a code or
// an address can be wrong is refused with a clear code, and the account is left as it was.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import { csrfOf, mailText, member, menuOf, messageMatching, postJson, type Member } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, partnerClient } from '../support/partner.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { featureSuite, freshStore, race, STORE_KINDS } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Account, ContactKind, Store } from '../../src/store/types.ts';

for (const kind of STORE_KINDS) {
  featureSuite(kind, `contact details (${kind} store)`, () => {
    let offset = 0;
    let store: Store;
    let tobira: RunningTobira;
    let mail: SmtpSink;
    let sms: SmsSink;
    let config: oidc.Configuration;
    let serial = 0;

    before(async () => {
      mail = new SmtpSink();
      sms = new SmsSink();
      const [smtpUrl, hookUrl] = await Promise.all([mail.start(), sms.start()]);
      store = await freshStore(kind, { now: () => Date.now() + offset });
      tobira = await startTobira({ store, clients: [partnerClient()], env: { SMTP_URL: smtpUrl, SMS_HOOK_URL: hookUrl, SMS_HOOK_TOKEN: 'sms-hook-token' }, now: () => Date.now() + offset });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await Promise.all([mail.stop(), sms.stop()]);
    });
    afterEach(() => {
      offset = 0;
    });

    async function newMember(label: string): Promise<Member> {
      serial += 1;
      return member(tobira.issuer, config, `${label}${serial}.${kind}@example.com`);
    }

    async function accountOf(m: Member): Promise<Account> {
      const account = await tobira.store.accounts.findById(m.accountId);
      assert.ok(account);
      return account;
    }

    /** Opens the contact form and sends a code to `value`; returns the page it ends on. */
    async function sendCode(m: Member, contact: ContactKind, value: string): Promise<Page> {
      const form = await m.browser.follow(`${tobira.issuer}/account/contacts/${contact}`);
      assert.equal(form.status, 200, form.body.slice(0, 300));
      return m.browser.submit(form, '/send', { value });
    }

    async function enterCode(m: Member, contact: ContactKind, code: string): Promise<Page> {
      const page = await m.browser.follow(`${tobira.issuer}/account/contacts/${contact}/verify`);
      return m.browser.request(`${tobira.issuer}/account/contacts/${contact}/verify`, { form: { _csrf: csrfOf(page), code } });
    }

    function wrongCode(real: string): string {
      return real === '000000' ? '111111' : '000000';
    }

    it('verifies a contact e-mail with a code sent over SMTP, and tells the sign-in address', async () => {
      const m = await newMember('mail');
      const address = `Contact.${serial}.${kind}@Example.COM`;
      const stored = address.toLowerCase();
      const since = mail.messages.length;
      const codePage = await sendCode(m, 'email', `  ${address} `);
      assert.equal(codePage.status, 200, codePage.body.slice(0, 300));
      assert.match(codePage.url, /\/account\/contacts\/email\/verify$/);
      assert.match(codePage.body, new RegExp(`sent a code to ${stored.replaceAll('.', '\\.')}`));
      const code = await mail.codeFor(stored, since);
      assert.equal((await accountOf(m)).contactEmail, null, 'nothing stored before the code comes back');

      const done = await m.browser.submit(codePage, '/verify', { code: ` ${code.slice(0, 3)} ${code.slice(3)} ` });
      assert.match(done.url, /\/account\/contacts\?notice=contact_verified$/);
      assert.match(done.body, /id="notice"/);
      const account = await accountOf(m);
      assert.equal(account.contactEmail?.value, stored);
      assert.ok(account.contactEmail?.verifiedAt instanceof Date);
      assert.match(done.body, new RegExp(`class="contact-value">${stored.replaceAll('.', '\\.')}<`));

      const notice = await mail.latestTo(m.email, since);
      assert.match(notice.subject, /contact e-mail address was added/);
      assert.match(mailText(notice.raw), /c\*\*\*@example\.com/, 'the new address, masked');
      const events = await tobira.store.audit.listByAccount(m.accountId, 10, ['contact.code_sent', 'contact.verified']);
      assert.deepEqual(events.map((e) => e.type), ['contact.verified', 'contact.code_sent']);
      assert.ok(!JSON.stringify(events).includes(code), 'the code is never audited');
    });

    it('verifies a contact mobile number with a code through the SMS hook, stored in E.164', async () => {
      const m = await newMember('sms');
      const since = sms.messages.length;
      const since0 = mail.messages.length;
      const codePage = await sendCode(m, 'mobile', '090-1234-5678');
      assert.match(codePage.body, /090-1234-5678/);
      const received = await sms.latestTo('+819012345678', since);
      assert.equal(received.authorization, 'Bearer sms-hook-token');
      const done = await m.browser.submit(codePage, '/verify', { code: await sms.codeFor('+819012345678', since) });
      assert.match(done.url, /notice=contact_verified/);
      assert.equal((await accountOf(m)).contactMobile?.value, '+819012345678');
      await messageMatching(mail.messages, m.email, (x) => /contact mobile number was added/.test(x.subject), since0);

      // A number from abroad, typed with its country code, may take SMS too.
      const since2 = sms.messages.length;
      const mailSince = mail.messages.length;
      const abroad = await sendCode(m, 'mobile', '+44 7400 123456');
      const changed = await m.browser.submit(abroad, '/verify', { code: await sms.codeFor('+447400123456', since2) });
      assert.match(changed.url, /notice=contact_verified/);
      assert.equal((await accountOf(m)).contactMobile?.value, '+447400123456');
      // The previous number and the sign-in address are told about the change.
      const toOld = await sms.latestTo('+819012345678', since2);
      assert.match(toOld.text, /contact mobile number was changed/);
      await messageMatching(mail.messages, m.email, (x) => /contact mobile number was changed/.test(x.subject), mailSince);
    });

    it('changing the contact e-mail tells the old one; removing it needs a fresh sign-in and tells it too', async () => {
      const m = await newMember('change');
      const first = `first${serial}.${kind}@example.net`;
      const second = `second${serial}.${kind}@example.net`;
      let since = mail.messages.length;
      await m.browser.submit(await sendCode(m, 'email', first), '/verify', { code: await mail.codeFor(first, since) });
      since = mail.messages.length;
      await m.browser.submit(await sendCode(m, 'email', second), '/verify', { code: await mail.codeFor(second, since) });
      assert.equal((await accountOf(m)).contactEmail?.value, second);
      const toOld = await mail.latestTo(first, since);
      assert.match(toOld.subject, /contact e-mail address was changed/);
      assert.match(mailText(toOld.raw), /s\*\*\*@example\.net/);

      // Stale session: sent to sign in again, nothing removed.
      offset = 301_000;
      const stale = await m.browser.request(`${tobira.issuer}/account/contacts/email/remove`, { form: { _csrf: csrfOf(await menuOf(tobira.issuer, m.browser)) } });
      assert.equal(stale.status, 303);
      assert.match(stale.headers.get('location') ?? '', /prompt=login/);
      assert.equal((await accountOf(m)).contactEmail?.value, second);
      offset = 0;

      since = mail.messages.length;
      // The contacts page links to a confirmation page saying what ends; its form removes.
      const confirmation = await m.browser.follow(`${tobira.issuer}/account/contacts/email/remove`);
      assert.match(confirmation.body, new RegExp(`Remove Contact e-mail “${second.replaceAll('.', '\\.')}”\\?`));
      assert.equal((await accountOf(m)).contactEmail?.value, second, 'the confirmation page changes nothing');
      const removed = await m.browser.submit(confirmation, '/contacts/email/remove', {});
      assert.match(removed.url, /notice=contact_removed/);
      assert.equal((await accountOf(m)).contactEmail, null);
      assert.match((await mail.latestTo(second, since)).subject, /contact e-mail address was removed/);
      const again = await m.browser.request(`${tobira.issuer}/account/contacts/email/remove`, { form: { _csrf: csrfOf(await menuOf(tobira.issuer, m.browser)) } });
      assert.equal(again.status, 404);
      assert.equal(errorCodeOf(again), 'contact_not_set');
      const types = (await tobira.store.audit.listByAccount(m.accountId, 20, ['contact.verified', 'contact.removed'])).map((e) => e.type);
      assert.deepEqual(types, ['contact.removed', 'contact.verified', 'contact.verified']);
    });

    it('refuses a guessed code and keeps the account as it was', async () => {
      const m = await newMember('guess');
      const address = `guess${serial}.${kind}@example.org`;
      const since = mail.messages.length;
      await sendCode(m, 'email', address);
      const real = await mail.codeFor(address, since);
      const before = await accountOf(m);
      const page = await enterCode(m, 'email', wrongCode(real));
      assert.equal(page.status, 400);
      assert.equal(errorCodeOf(page), 'code_invalid');
      assert.match(page.body, /The code is not correct/);
      for (const junk of ['12345', 'abcdef', '1234567']) assert.equal(errorCodeOf(await enterCode(m, 'email', junk)), 'code_invalid');
      assert.deepEqual(await accountOf(m), before);
      const failed = await tobira.store.audit.listByAccount(m.accountId, 10, ['contact.verify_failed']);
      assert.equal(failed.length, 4);
    });

    it('refuses an expired code and a used one', async () => {
      const m = await newMember('late');
      const address = `late${serial}.${kind}@example.org`;
      let since = mail.messages.length;
      await sendCode(m, 'email', address);
      const stale = await mail.codeFor(address, since);
      offset = 601_000;
      const late = await enterCode(m, 'email', stale);
      assert.equal(errorCodeOf(late), 'code_expired');
      assert.equal((await accountOf(m)).contactEmail, null);
      offset = 0;

      since = mail.messages.length;
      await sendCode(m, 'email', address);
      const code = await mail.codeFor(address, since);
      assert.match((await enterCode(m, 'email', code)).headers.get('location') ?? '', /notice=contact_verified/);
      const verified = await accountOf(m);
      const reused = await enterCode(m, 'email', code);
      assert.equal(reused.status, 400);
      assert.equal(errorCodeOf(reused), 'code_expired');
      assert.deepEqual(await accountOf(m), verified, 'the used code changed nothing');
    });

    it('five wrong tries use up that code; a new code (within the hourly budget) works', async () => {
      const m = await newMember('lock');
      const number = '080-2345-6789';
      const e164 = '+818023456789';
      let since = sms.messages.length;
      await sendCode(m, 'mobile', number);
      const first = await sms.codeFor(e164, since);
      for (let i = 1; i <= 4; i += 1) assert.equal(errorCodeOf(await enterCode(m, 'mobile', wrongCode(first))), 'code_invalid');
      const fifth = await enterCode(m, 'mobile', wrongCode(first));
      assert.equal(fifth.status, 429);
      assert.equal(errorCodeOf(fifth), 'too_many_attempts');
      assert.equal(errorCodeOf(await enterCode(m, 'mobile', first)), 'too_many_attempts', 'even the right code no longer helps');
      assert.equal((await accountOf(m)).contactMobile, null);
      since = sms.messages.length;
      const resent = await sendCode(m, 'mobile', number);
      assert.match(resent.url, /\/verify$/);
      const second = await sms.codeFor(e164, since);
      const verified = await enterCode(m, 'mobile', second);
      assert.equal(errorCodeOf(verified), undefined);
      assert.equal((await accountOf(m)).contactMobile?.value, e164);
    });

    race('sends at most ten codes an hour, even when thirty are asked for at once', async () => {
      const m = await newMember('flood');
      const address = `flood${serial}.${kind}@example.org`;
      const csrf = csrfOf(await m.browser.follow(`${tobira.issuer}/account/contacts/email`));
      const since = mail.messages.length;
      const answers = await Promise.all(Array.from({ length: 30 }, () => m.browser.request(`${tobira.issuer}/account/contacts/email/send`, { form: { _csrf: csrf, value: address } })));
      const outcomes = answers.map((answer) => (answer.status === 303 ? 'sent' : `${answer.status} ${errorCodeOf(answer) ?? ''}`));
      assert.equal(outcomes.filter((o) => o === 'sent').length, 10, outcomes.join(', '));
      assert.equal(outcomes.filter((o) => o === '429 too_many_codes').length, 20, outcomes.join(', '));
      assert.equal(mail.messages.slice(since).filter((x) => x.to.includes(address)).length, 10, 'ten mails went out');
      assert.equal((await tobira.store.audit.listByAccount(m.accountId, 100, ['contact.code_sent'])).length, 10);
      const more = await sendCode(m, 'email', address);
      assert.equal(more.status, 429);
      assert.equal(errorCodeOf(more), 'too_many_codes');
      assert.equal((await accountOf(m)).contactEmail, null);
    });

    it('refuses an invalid e-mail address and invalid or non-mobile numbers, sending nothing', async () => {
      const m = await newMember('junk');
      const before = await accountOf(m);
      const mails = mail.messages.length;
      const texts = sms.messages.length;
      for (const [contact, value, code] of [
        ['email', 'not-an-address', 'contact_email_invalid'],
        ['email', 'two@@example.com', 'contact_email_invalid'],
        ['email', 'spaces in@example.com', 'contact_email_invalid'],
        ['mobile', '12345', 'mobile_number_invalid'],
        ['mobile', 'call me maybe', 'mobile_number_invalid'],
        ['mobile', '+81 90 1234 56789', 'mobile_number_invalid'],
        ['mobile', '03-1234-5678', 'not_a_mobile_number'],
        ['mobile', '0120-123-456', 'not_a_mobile_number'],
      ] as const) {
        const page = await sendCode(m, contact, value);
        assert.equal(page.status, 400, `${value}: ${page.body.slice(0, 200)}`);
        assert.equal(errorCodeOf(page), code, value);
        assert.match(page.body, /id="form-error"/, 'shown on the form');
        assert.match(page.body, new RegExp(`value="${value.replaceAll('+', '\\+')}"`), 'with what the user typed');
        assert.equal(await tobira.store.oneTimeCodes.find(`contact:${contact}:${m.accountId}`), undefined, 'no code issued');
      }
      // Only what these attempts could have sent counts: a sign-in notice from setting up the member may still be arriving.
      const attempted = new Set(['not-an-address', 'two@@example.com', 'spaces in@example.com']);
      assert.ok(!mail.messages.slice(mails).some((message) => message.to.some((to) => attempted.has(to))), 'no code mailed');
      assert.ok(!sms.messages.slice(texts).some((message) => /\b\d{6}\b/.test(message.text)), 'no code texted');
      assert.deepEqual(await accountOf(m), before);
    });

    it('needs a sign-in within the last 5 minutes to add a contact', async () => {
      const m = await newMember('stale');
      offset = 301_000;
      const form = await m.browser.request(`${tobira.issuer}/account/contacts/email`);
      assert.equal(form.status, 303);
      assert.match(form.headers.get('location') ?? '', /prompt=login/);
      const csrf = csrfOf(await menuOf(tobira.issuer, m.browser));
      const mails = mail.messages.length;
      const post = await m.browser.request(`${tobira.issuer}/account/contacts/email/send`, { form: { _csrf: csrf, value: `stale${serial}@example.org` } });
      assert.equal(post.status, 303);
      assert.match(post.headers.get('location') ?? '', /prompt=login/);
      const json = await postJson(m.browser, `${tobira.issuer}/account/contacts/mobile/send`, { value: '09011112222' }, csrf);
      assert.equal(json.status, 403);
      assert.equal(JSON.parse(json.body).error, 'reauthentication_required');
      // Notices of earlier tests are sent in the background and may still arrive: only this address counts.
      assert.ok(!mail.messages.slice(mails).some((message) => message.to.includes(`stale${serial}@example.org`)), 'no code mailed');
      assert.equal(await tobira.store.oneTimeCodes.find(`contact:email:${m.accountId}`), undefined);
      assert.equal(await tobira.store.oneTimeCodes.find(`contact:mobile:${m.accountId}`), undefined);
    });

    it('refuses every contact form without its CSRF token', async () => {
      const m = await newMember('csrf');
      const address = `csrf${serial}.${kind}@example.org`;
      const mails = mail.messages.length;
      const send = await m.browser.request(`${tobira.issuer}/account/contacts/email/send`, { form: { value: address } });
      assert.equal(send.status, 403);
      assert.equal(errorCodeOf(send), 'csrf_failed');
      assert.ok(!mail.messages.slice(mails).some((message) => message.to.includes(address)), 'nothing sent');

      const since = mail.messages.length;
      await sendCode(m, 'email', address);
      const code = await mail.codeFor(address, since);
      const forged = await m.browser.request(`${tobira.issuer}/account/contacts/email/verify`, { form: { code, _csrf: 'x'.repeat(43) } });
      assert.equal(forged.status, 403);
      assert.equal(errorCodeOf(forged), 'csrf_failed');
      assert.equal((await accountOf(m)).contactEmail, null, 'not stored');
      // The code itself is still good for the real form.
      assert.match((await enterCode(m, 'email', code)).headers.get('location') ?? '', /notice=contact_verified/);
      const remove = await m.browser.request(`${tobira.issuer}/account/contacts/email/remove`, { method: 'POST', form: {} });
      assert.equal(errorCodeOf(remove), 'csrf_failed');
      assert.equal((await accountOf(m)).contactEmail?.value, address, 'not removed');
    });

    it('without a session the contact pages are refused', async () => {
      const stranger = new HttpBrowser();
      const page = await stranger.request(`${tobira.issuer}/account/contacts/email`);
      assert.equal(page.status, 401);
      assert.equal(errorCodeOf(page), 'not_signed_in');
      const unknownKind = await (await newMember('kind')).browser.request(`${tobira.issuer}/account/contacts/fax`);
      assert.equal(unknownKind.status, 404);
    });
  });
}
