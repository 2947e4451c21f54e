// "This wasn't me / cancel" on a phone that opened a phone set-up code it did not expect (issue 11
// review gap): the hand-off ends (nothing can be set up with it, the code opens nothing again), the
// PC page hears "refused", the owner is mailed, it is audited; only the phone that claimed the
// code can refuse it, and a refusal without that phone changes nothing.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import { csrfOf, member, type Member } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover } from '../support/partner.ts';
import { jsonOf, startPushTobira } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

for (const kind of FEATURE_STORES) {
  describe(`a phone refuses a set-up it did not expect (${kind} store)`, function () {
    this.timeout(60_000);
    let store: Store;
    let tobira: RunningTobira;
    let receiver: PushReceiver;
    let sink: SmtpSink;
    let config: oidc.Configuration;

    before(async () => {
      receiver = new PushReceiver();
      sink = new SmtpSink();
      const [smtp] = await Promise.all([sink.start(), receiver.start()]);
      store = await freshStore(kind);
      tobira = await startPushTobira(store, { SMTP_URL: smtp });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira?.close();
      await store?.close();
      await Promise.all([receiver?.stop(), sink?.stop()]);
    });

    async function showCode(owner: Member): Promise<{ code: string; id: string }> {
      const menu = await owner.browser.follow(`${tobira.issuer}/account`);
      const page = await owner.browser.submit(menu, '/account/phone-setup', {});
      return { code: /id="handoff-code">([^<]+)</.exec(page.body)?.[1] ?? '', id: /data-id="([^"]+)"/.exec(page.body)?.[1] ?? '' };
    }

    async function enter(phone: HttpBrowser, code: string): Promise<Page> {
      const page = await phone.request(`${tobira.issuer}/p`);
      return phone.request(`${tobira.issuer}/p`, { form: { _csrf: csrfOf(page), code } });
    }

    const status = async (owner: Member, id: string): Promise<unknown> => jsonOf(await owner.browser.request(`${tobira.issuer}/account/phone-setup/${id}/status`, { headers: { accept: 'application/json' } }));

    it('ends the hand-off, tells the PC and the owner, and audits it', async () => {
      const owner = await member(tobira.issuer, config, `refuse.${kind}@example.com`);
      const { code, id } = await showCode(owner);
      const phone = new HttpBrowser();
      assert.equal((await enter(phone, code)).status, 303);
      const setup = await phone.request(`${tobira.issuer}/p/setup`);
      assert.match(setup.body, /id="refuse-button">This wasn&#39;t me \/ cancel</);

      // Another browser cannot refuse it (it holds no claim), and nothing changes.
      const stranger = new HttpBrowser();
      const strangerTry = await stranger.request(`${tobira.issuer}/p/setup/refuse`, { form: { _csrf: csrfOf(await stranger.request(`${tobira.issuer}/p`)) } });
      assert.equal(strangerTry.status, 410);
      assert.equal(errorCodeOf(strangerTry), 'phone_handoff_invalid');
      assert.deepEqual(await status(owner, id), { state: 'claimed', deviceName: null });
      const noCsrf = await phone.request(`${tobira.issuer}/p/setup/refuse`, { method: 'POST', form: {} });
      assert.equal(errorCodeOf(noCsrf), 'csrf_failed');

      const since = sink.messages.length;
      const refused = await phone.request(`${tobira.issuer}/p/setup/refuse`, { form: { _csrf: csrfOf(setup) } });
      assert.equal(refused.status, 200);
      assert.match(refused.body, /id="handoff-refused">Cancelled\. This phone was not set up\./);
      assert.deepEqual(await status(owner, id), { state: 'refused', deviceName: null }, 'the PC page hears it');
      const mail = await sink.latestTo(owner.email, since);
      assert.equal(mail.subject, 'tobira: a phone set-up was cancelled as unexpected');
      const events = await store.audit.listByAccount(owner.accountId, 50);
      assert.ok(events.some((e) => e.type === 'phone_handoff.refused' && e.details.handoffId === id));

      // Nothing more can be done with it: not by this phone, not with the code again.
      const again = await phone.request(`${tobira.issuer}/p/setup`);
      assert.equal(errorCodeOf(again), 'phone_handoff_invalid');
      assert.equal(errorCodeOf(await enter(new HttpBrowser(), code)), 'phone_handoff_invalid');
      assert.deepEqual(await store.devices.listByAccount(owner.accountId), []);
      assert.equal(errorCodeOf(await phone.request(`${tobira.issuer}/p/setup/refuse`, { form: { _csrf: csrfOf(setup) } })), 'phone_handoff_invalid', 'refused once');
    });
  });
}
