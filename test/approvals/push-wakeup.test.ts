// The waiting page's event stream reports the phone's decision as soon as the process that took
// it has it, not at its next read of the store (it read every second: 0–1 s more for every push
// sign-in, half a second on average).
import assert from 'node:assert/strict';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { jsonOf, usePushTobira, type Phone } from '../support/push-harness.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { openEvents } from '../support/event-stream.ts';

for (const kind of FEATURE_STORES) {
  describe(`push sign-in: the waiting page learns of the approval at once (${kind} store)`, function () {
    this.timeout(30_000);
    const suite = usePushTobira(kind);
    const { h } = suite;
    let alice: Phone;

    before(async () => {
      alice = await h.phoneFor(suite.config, `alice.wakeup.${kind}@example.com`);
    });

    for (const decision of ['approve', 'deny'] as const) {
      it(`${decision}: the stream says so well within its one-second re-read`, async () => {
        const pc = await h.pcRequests(suite.config, alice.email);
        const id = String(pc.started.approvalId);
        const number = String(pc.started.number);
        const url = `${suite.tobira.issuer}/interaction/${pc.uid}/push/${id}/events`;
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
