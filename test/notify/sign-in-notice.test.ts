// The new-sign-in notice: a sign-in (password, passkey or phone approval) from a browser the account
// did not trust before is told by mail to the sign-in and contact e-mail and by SMS to the contact
// mobile; one from a trusted browser is not; NOTIFY_NEW_SIGN_IN=false turns it off. Whether a notice
// goes out is decided (and audited) before the sign-in answers, so the tests read the audit log for
// "none sent", and the real SMTP server and SMS hook for what was sent.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import {
  addPasskey, browserWith, CHROME_ON_MAC, FIREFOX_ON_WINDOWS, mailText, member, messageMatching, passkeySignIn, passwordSignIn, SAFARI_ON_IPHONE, type Member,
} from '../support/account-menu.ts';
import { discover, PARTNER_CALLBACK, partnerClient } from '../support/partner.ts';
import { harness, startPushTobira } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

const SUBJECT = /^tobira: new sign-in from a browser$/;

for (const kind of FEATURE_STORES) {
  describe(`new-sign-in notice (${kind} store)`, function () {
    this.timeout(30_000);
    let store: Store;
    let tobira: RunningTobira;
    let mail: SmtpSink;
    let sms: SmsSink;
    let receiver: PushReceiver;
    let config: oidc.Configuration;
    const h = harness(() => tobira.issuer, () => receiver);

    before(async () => {
      mail = new SmtpSink();
      sms = new SmsSink();
      receiver = new PushReceiver();
      const [smtpUrl, hookUrl] = await Promise.all([mail.start(), sms.start(), receiver.start()]);
      store = await freshStore(kind);
      tobira = await startPushTobira(store, { SMTP_URL: smtpUrl ?? '', SMS_HOOK_URL: hookUrl ?? '' });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await store.close();
      await Promise.all([mail.stop(), sms.stop(), receiver.stop()]);
    });

    async function noticesAudited(accountId: string): Promise<number> {
      return (await tobira.store.audit.listByAccount(accountId, 100, ['notice.new_sign_in'])).length;
    }

    function noticeMails(to: string): number {
      return mail.messages.filter((m) => m.to.includes(to) && SUBJECT.test(m.subject)).length;
    }

    it('mails the sign-in and contact e-mail and texts the contact mobile after a password sign-in from a new browser', async () => {
      const m = await member(tobira.issuer, config, `pw.${kind}@example.com`);
      assert.equal(await noticesAudited(m.accountId), 0, 'signing up is not a new sign-in');
      const at = new Date();
      await tobira.store.accounts.setContact(m.accountId, 'email', { value: `pw.contact.${kind}@example.net`, verifiedAt: at }, at);
      await tobira.store.accounts.setContact(m.accountId, 'mobile', { value: '+819011112222', verifiedAt: at }, at);

      const since = mail.messages.length;
      const smsSince = sms.messages.length;
      const page = await passwordSignIn(config, browserWith(FIREFOX_ON_WINDOWS), m.email);
      assert.ok(page.url.startsWith(PARTNER_CALLBACK) || /\/consent"/.test(page.body), 'signed in');
      assert.equal(await noticesAudited(m.accountId), 1);

      const notice = await messageMatching(mail.messages, m.email, (x) => SUBJECT.test(x.subject), since);
      const text = mailText(notice.raw);
      assert.match(text, /Service: Partner Shop/);
      assert.match(text, /Browser: Firefox 128 on Windows/);
      assert.match(text, /IP address and place: (::ffff:)?127\.0\.0\.1/);
      assert.match(text, /Method: password/);
      assert.match(text, /Time: \d{1,2} \w{3} \d{4}, \d{2}:\d{2} GMT\+9/);
      assert.ok(text.includes(`${tobira.issuer}/account`), 'says where to look if it was not the user');
      await messageMatching(mail.messages, `pw.contact.${kind}@example.net`, (x) => SUBJECT.test(x.subject), since);
      const text2 = await messageMatching(sms.messages, '+819011112222', (x) => /new sign-in to Partner Shop from Firefox 128 on Windows/.test(x.text), smsSince);
      assert.ok(text2.text.includes(`${tobira.issuer}/account`));
    });

    it('is sent for the first passkey sign-in in a browser, not once that browser is trusted', async () => {
      const m = await member(tobira.issuer, config, `pk.${kind}@example.com`);
      const key = await addPasskey(tobira.issuer, m.browser);
      const safari = browserWith(SAFARI_ON_IPHONE);
      assert.ok((await passkeySignIn(tobira.issuer, config, safari, key)).url.startsWith(PARTNER_CALLBACK));
      assert.equal(await noticesAudited(m.accountId), 1, 'a new browser: told');
      const first = await messageMatching(mail.messages, m.email, (x) => SUBJECT.test(x.subject));
      assert.match(mailText(first.raw), /Browser: Safari 17 on iOS[\s\S]*Method: passkey/);

      // The passkey sign-in made this browser trusted: neither a passkey nor a password sign-in here is news.
      assert.ok((await passkeySignIn(tobira.issuer, config, safari, key, { prompt: 'login' })).url.startsWith(PARTNER_CALLBACK));
      assert.ok((await passwordSignIn(config, safari, m.email, undefined, { prompt: 'login' })).url.startsWith(PARTNER_CALLBACK));
      assert.equal(await noticesAudited(m.accountId), 1, 'a trusted browser: not told');

      // A browser it has never seen is news again; by then the first notice has long been delivered.
      const chrome = browserWith(CHROME_ON_MAC);
      await passwordSignIn(config, chrome, m.email);
      assert.equal(await noticesAudited(m.accountId), 2);
      await messageMatching(mail.messages, m.email, (x) => SUBJECT.test(x.subject) && /Chrome 131 on macOS/.test(mailText(x.raw)));
      assert.equal(noticeMails(m.email), 2, 'no notice for the trusted browser\'s sign-ins');
    });

    it('is sent for a phone-approved sign-in from a new browser, not from the browser it trusted', async () => {
      const phone = await h.phoneFor(config, `push.${kind}@example.com`);
      const account = await tobira.store.accounts.findByEmail(phone.email);
      assert.ok(account);
      const pc = browserWith(FIREFOX_ON_WINDOWS);
      for (let round = 1; round <= 2; round += 1) {
        const request = await h.pcRequests(config, phone.email, pc);
        assert.equal(request.started.matching, round === 1 ? 'choose' : 'none');
        assert.equal((await h.approveOn(phone, String(request.started.approvalId), String(request.started.number ?? ''))).status, 200);
        const done = await h.postJson(pc, `/interaction/${request.uid}/push/${String(request.started.approvalId)}/complete`, {}, request.csrf);
        assert.equal(done.status, 200, done.body);
        assert.equal(await noticesAudited(account.id), 1, `round ${round}`);
      }
      const notice = await messageMatching(mail.messages, phone.email, (x) => SUBJECT.test(x.subject));
      assert.match(mailText(notice.raw), /Browser: Firefox 128 on Windows[\s\S]*Method: phone notification/);
    });

    it('a failing SMS hook neither slows nor breaks the sign-in', async () => {
      const m = await member(tobira.issuer, config, `hookdown.${kind}@example.com`);
      const at = new Date();
      await tobira.store.accounts.setContact(m.accountId, 'mobile', { value: '+819033334444', verifiedAt: at }, at);
      sms.status = 500;
      try {
        const page = await passwordSignIn(config, browserWith(FIREFOX_ON_WINDOWS), m.email);
        assert.ok(page.url.startsWith(PARTNER_CALLBACK) || /\/consent"/.test(page.body), 'signed in');
        await messageMatching(sms.messages, '+819033334444', () => true);
        await messageMatching(mail.messages, m.email, (x) => SUBJECT.test(x.subject));
      } finally {
        sms.status = 200;
      }
    });
  });

  describe(`new-sign-in notice turned off (${kind} store)`, () => {
    let tobira: RunningTobira;
    let mail: SmtpSink;
    let config: oidc.Configuration;
    let m: Member;

    before(async () => {
      mail = new SmtpSink();
      tobira = await startTobira({ store: kind, clients: [partnerClient()], env: { SMTP_URL: await mail.start(), NOTIFY_NEW_SIGN_IN: 'false' } });
      config = await discover(tobira.issuer);
      m = await member(tobira.issuer, config, `off.${kind}@example.com`);
    });
    after(async () => {
      await tobira.close();
      await mail.stop();
    });

    it('sends nothing for a sign-in from a new browser', async () => {
      const since = mail.messages.length;
      const page = await passwordSignIn(config, browserWith(CHROME_ON_MAC), m.email);
      assert.ok(page.url.startsWith(PARTNER_CALLBACK) || /\/consent"/.test(page.body), 'signed in');
      assert.deepEqual(await tobira.store.audit.listByAccount(m.accountId, 10, ['notice.new_sign_in']), []);
      // A mail sent after the sign-in has arrived; no notice came before or with it.
      const code = await m.browser.submit(await m.browser.follow(`${tobira.issuer}/account/contacts/email`), '/send', { value: m.email });
      assert.match(code.url, /\/verify$/);
      await mail.latestTo(m.email, since);
      assert.deepEqual(mail.messages.slice(since).map((x) => x.subject).filter((s) => SUBJECT.test(s)), []);
    });
  });
}
