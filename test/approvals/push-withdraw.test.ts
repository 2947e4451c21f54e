// "Use another way" on the PC's waiting page withdraws the phone's request (issue 11 review gap):
// only the browser and sign-in that asked may withdraw it, an answered request stays answered, the
// phone can no longer approve it and sees it withdrawn, and a withdrawal pauses nothing.
import assert from 'node:assert/strict';
import { HttpBrowser } from '../support/http-browser.ts';
import { jsonOf, usePushTobira } from '../support/push-harness.ts';
import { FEATURE_STORES } from '../support/stores.ts';

for (const kind of FEATURE_STORES) {
  describe(`withdrawing a push request from the waiting page (${kind} store)`, function () {
    this.timeout(60_000);
    const suite = usePushTobira(kind);
    const { h } = suite;

    it('withdraws for the asking browser only; the phone sees it withdrawn and cannot approve it; nothing is paused', async () => {
      const phone = await h.phoneFor(suite.config, `withdraw.${kind}@example.com`);
      const account = await suite.store.accounts.findByEmail(phone.email);
      // Five withdrawals: more than the denials that would block push sign-in.
      for (let i = 0; i < 5; i += 1) {
        const pc = await h.pcRequests(suite.config, phone.email);
        const id = String(pc.started.approvalId);

        // Another browser, even with the same sign-in's uid, cannot withdraw it.
        const stranger = await h.postJson(new HttpBrowser(), `/interaction/${pc.uid}/push/${id}/withdraw`, {}, pc.csrf);
        assert.notEqual(stranger.status, 200);
        assert.equal((await suite.store.approvals.find(id))?.status, 'pending');

        const withdrawn = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${id}/withdraw`, {}, pc.csrf);
        assert.equal(withdrawn.status, 200, withdrawn.body);
        assert.equal(await h.statusOn(pc, id), 'withdrawn');
        const seen = jsonOf(await phone.browser.request(`${suite.tobira.issuer}/device/api/approvals/${id}`, { headers: { accept: 'application/json' } }));
        assert.equal(seen.status, 'withdrawn');
        const page = await phone.browser.follow(`${suite.tobira.issuer}/device/approve/${id}`);
        assert.match(page.body, /data-status="withdrawn"/);
        const approve = await h.approveOn(phone, id, String(pc.started.number));
        assert.equal(approve.status, 409);
        assert.equal(jsonOf(approve).error, 'approval_decided');
        const again = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${id}/withdraw`, {}, pc.csrf);
        assert.equal(jsonOf(again).error, 'approval_decided');
      }
      const events = await suite.store.audit.listByAccount(account!.id, 100);
      assert.equal(events.filter((e) => e.type === 'approval.withdrawn').length, 5);
      assert.ok(!events.some((e) => e.type === 'push.blocked' || e.type === 'push.paused'), 'a withdrawal is not a denial');

      // An approved request stays approved: "use another way" after the phone said yes changes nothing.
      const pc = await h.pcRequests(suite.config, phone.email);
      const id = String(pc.started.approvalId);
      assert.equal((await h.approveOn(phone, id, String(pc.started.number))).status, 200);
      const late = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${id}/withdraw`, {}, pc.csrf);
      assert.equal(late.status, 409);
      assert.equal((await suite.store.approvals.find(id))?.status, 'approved');

      // A forged id is not found, and nothing else is touched.
      const forged = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/not-an-id/withdraw`, {}, pc.csrf);
      assert.equal(forged.status, 404);
    });
  });
}
