// "This wasn't me / cancel" on a phone that opened a phone set-up code it did not expect (issue 11
// review gap): the hand-off ends (nothing can be set up with it, the code opens nothing again), the
// PC page hears "refused", the owner is mailed, it is audited; only the phone that claimed the
// code can refuse it, and a refusal without that phone changes nothing.
import assert from 'node:assert/strict';
import { csrfOf, member, type Member } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser, type Page } from '../support/http-browser.ts';
import { jsonOf, usePushTobira } from '../support/push-harness.ts';
import { FEATURE_STORES } from '../support/stores.ts';

for (const kind of FEATURE_STORES) {
  describe(`a phone refuses a set-up it did not expect (${kind} store)`, function () {
    this.timeout(60_000);
    const suite = usePushTobira(kind, { smtp: true });

    async function showCode(owner: Member): Promise<{ code: string; id: string }> {
      const menu = await owner.browser.follow(`${suite.tobira.issuer}/account`);
      const page = await owner.browser.submit(menu, '/account/phone-setup', {});
      return { code: /id="handoff-code">([^<]+)</.exec(page.body)?.[1] ?? '', id: /data-id="([^"]+)"/.exec(page.body)?.[1] ?? '' };
    }

    async function enter(phone: HttpBrowser, code: string): Promise<Page> {
      const page = await phone.request(`${suite.tobira.issuer}/p`);
      return phone.request(`${suite.tobira.issuer}/p`, { form: { _csrf: csrfOf(page), code } });
    }

    const status = async (owner: Member, id: string): Promise<unknown> => jsonOf(await owner.browser.request(`${suite.tobira.issuer}/account/phone-setup/${id}/status`, { headers: { accept: 'application/json' } }));

    it('ends the hand-off, tells the PC and the owner, and audits it', async () => {
      const owner = await member(suite.tobira.issuer, suite.config, `refuse.${kind}@example.com`);
      const { code, id } = await showCode(owner);
      const phone = new HttpBrowser();
      assert.equal((await enter(phone, code)).status, 303);
      const setup = await phone.request(`${suite.tobira.issuer}/p/setup`);
      assert.match(setup.body, /id="refuse-button">This wasn&#39;t me \/ cancel</);

      // Another browser cannot refuse it (it holds no claim), and nothing changes.
      const stranger = new HttpBrowser();
      const strangerTry = await stranger.request(`${suite.tobira.issuer}/p/setup/refuse`, { form: { _csrf: csrfOf(await stranger.request(`${suite.tobira.issuer}/p`)) } });
      assert.equal(strangerTry.status, 410);
      assert.equal(errorCodeOf(strangerTry), 'phone_handoff_invalid');
      assert.deepEqual(await status(owner, id), { state: 'claimed', deviceName: null });
      const noCsrf = await phone.request(`${suite.tobira.issuer}/p/setup/refuse`, { method: 'POST', form: {} });
      assert.equal(errorCodeOf(noCsrf), 'csrf_failed');

      const since = suite.smtp.messages.length;
      const refused = await phone.request(`${suite.tobira.issuer}/p/setup/refuse`, { form: { _csrf: csrfOf(setup) } });
      assert.equal(refused.status, 200);
      assert.match(refused.body, /id="handoff-refused">Cancelled\. This phone was not set up\./);
      assert.deepEqual(await status(owner, id), { state: 'refused', deviceName: null }, 'the PC page hears it');
      const mail = await suite.smtp.latestTo(owner.email, since);
      assert.equal(mail.subject, 'tobira: a phone set-up was cancelled as unexpected');
      const events = await suite.store.audit.listByAccount(owner.accountId, 50);
      assert.ok(events.some((e) => e.type === 'phone_handoff.refused' && e.details.handoffId === id));

      // Nothing more can be done with it: not by this phone, not with the code again.
      const again = await phone.request(`${suite.tobira.issuer}/p/setup`);
      assert.equal(errorCodeOf(again), 'phone_handoff_invalid');
      assert.equal(errorCodeOf(await enter(new HttpBrowser(), code)), 'phone_handoff_invalid');
      assert.deepEqual(await suite.store.devices.listByAccount(owner.accountId), []);
      assert.equal(errorCodeOf(await phone.request(`${suite.tobira.issuer}/p/setup/refuse`, { form: { _csrf: csrfOf(setup) } })), 'phone_handoff_invalid', 'refused once');
    });
  });
}
