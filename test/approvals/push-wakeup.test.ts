// The waiting page's event stream reports the phone's decision as soon as the process that took
// it has it, not at its next read of the store (it read every second: 0–1 s more for every push
// sign-in, half a second on average).
import assert from 'node:assert/strict';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type * as oidc from 'openid-client';
import { discover } from '../support/partner.ts';
import { harness, jsonOf, startPushTobira, type Phone } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';
import { openEvents } from '../support/event-stream.ts';

for (const kind of FEATURE_STORES) {
  describe(`push sign-in: the waiting page learns of the approval at once (${kind} store)`, function () {
    this.timeout(30_000);
    let tobira: RunningTobira;
    let receiver: PushReceiver;
    let config: oidc.Configuration;
    let alice: Phone;
    const h = harness(() => tobira.issuer, () => receiver);

    before(async () => {
      receiver = new PushReceiver();
      await receiver.start();
      tobira = await startPushTobira(kind);
      config = await discover(tobira.issuer);
      alice = await h.phoneFor(config, `alice.wakeup.${kind}@example.com`);
    });
    after(async () => {
      await tobira.close();
      await receiver.stop();
    });

    for (const decision of ['approve', 'deny'] as const) {
      it(`${decision}: the stream says so well within its one-second re-read`, async () => {
        const pc = await h.pcRequests(config, alice.email);
        const id = String(pc.started.approvalId);
        const number = String(pc.started.number);
        const url = `${tobira.issuer}/interaction/${pc.uid}/push/${id}/events`;
        const events = await openEvents(url, await pc.browser.jar.getCookieString(url));
        try {
          // The stream has read the approval once (pending) and now waits for its next read.
          assert.equal(await events.next(), '{"status":"pending"}');
          if (decision === 'approve') {
            const options = jsonOf(await h.postJson(alice.browser, `/device/api/approvals/${id}/options`, { number }, alice.csrf)).options as PublicKeyCredentialRequestOptionsJSON;
            const response = alice.key.authenticate(options);
            assert.equal((await h.postJson(alice.browser, `/device/api/approvals/${id}/approve`, { number, response }, alice.csrf)).status, 200);
          } else {
            assert.equal((await h.postJson(alice.browser, `/device/api/approvals/${id}/deny`, {}, alice.csrf)).status, 200);
          }
          const answered = performance.now();
          const status = await events.next();
          const waited = performance.now() - answered;
          assert.equal(status, decision === 'approve' ? '{"status":"approved"}' : '{"status":"denied"}');
          // Before, the stream saw it at its next read, up to a second after the decision.
          assert.ok(waited < 300, `the stream reported it ${Math.round(waited)} ms after the phone's answer`);
          assert.equal(await events.next(), undefined, 'the stream ends with the decision');
        } finally {
          events.close();
        }
      });
    }
  });
}
