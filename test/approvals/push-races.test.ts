// Push sign-in requests and completions sent all at once (issue 10, rows 10 and 14): the caps hold
// and an approved approval signs in exactly once, on every store, over HTTP.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover } from '../support/partner.ts';
import { harness, jsonOf, startPushTobira, type Phone } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { featureSuite, freshStore, race, STORE_KINDS } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';
import type { Store } from '../../src/store/types.ts';

/**
 * The store with 2 ms added before every approval-store call, as a database over a network has: the
 * requests' steps then interleave on the memory store too, as they do on a real one.
 */
function withApprovalLatency(store: Store, ms: number): Store {
  const approvals = new Proxy(store.approvals, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
  return new Proxy(store, { get: (target, name, receiver) => (name === 'approvals' ? approvals : Reflect.get(target, name, receiver)) });
}

for (const kind of STORE_KINDS) {
  featureSuite(kind, `push sign-in under simultaneous requests (${kind} store)`, function () {
    this.timeout(60_000);
    let store: Store;
    let tobira: RunningTobira;
    /** The same store with a generous pending cap and a small hourly one. */
    let hourly: RunningTobira;
    let receiver: PushReceiver;
    let config: oidc.Configuration;
    const h = harness(() => tobira.issuer, () => receiver);

    before(async () => {
      receiver = new PushReceiver();
      await receiver.start();
      store = await freshStore(kind);
      tobira = await startPushTobira(withApprovalLatency(store, 2));
      hourly = await startPushTobira(withApprovalLatency(store, 2), { PUSH_MAX_PENDING: '20', PUSH_MAX_PER_HOUR: '4' });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      await hourly.close();
      await store.close();
      await receiver.stop();
    });

    /** `n` sign-in pages open for the phone's account, then their "Notify my phone" all at once. */
    async function simultaneousRequests(phone: Phone, n: number, on = tobira): Promise<Array<{ status: number; body: Record<string, unknown> }>> {
      const partner = on === tobira ? config : await discover(on.issuer);
      const pages = await Promise.all(Array.from({ length: n }, async () => {
        const browser = new HttpBrowser();
        return { browser, ...await harness(() => on.issuer, () => receiver).signInPage(partner, browser) };
      }));
      const answers = await Promise.all(pages.map((page) => harness(() => on.issuer, () => receiver).postJson(page.browser, `/interaction/${page.uid}/push`, { email: phone.email }, page.csrf)));
      return answers.map((answer) => ({ status: answer.status, body: jsonOf(answer) }));
    }

    race('ten simultaneous requests never make more pending approvals than PUSH_MAX_PENDING (3)', async () => {
      const phone = await h.phoneFor(config, `pending.${kind}@example.com`);
      const account = await tobira.store.accounts.findByEmail(phone.email);
      const before = receiver.messages.length;
      const answers = await simultaneousRequests(phone, 10);
      const sent = answers.filter((answer) => answer.status === 200);
      assert.ok(sent.length <= 3, `${sent.length} approvals against a cap of 3`);
      if (kind === 'memory') assert.equal(sent.length, 3, 'within one process exactly the cap passes');
      for (const answer of answers.filter((a) => a.status !== 200)) assert.deepEqual([answer.status, answer.body.error], [429, 'too_many_pending']);
      assert.equal((await tobira.store.approvals.listPending(account!.id)).length, sent.length, 'nothing stored beyond the cap');
      // The pushes go out after the answers (so that an address with a phone answers as fast as one
      // without): wait for them, then make sure no more come.
      for (let waited = 0; receiver.messages.length - before < sent.length && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(receiver.messages.length - before, sent.length, 'a push only for the approvals made');
    });

    race('ten simultaneous requests never make more approvals in an hour than PUSH_MAX_PER_HOUR (4)', async () => {
      const phone = await h.phoneFor(config, `hourly.${kind}@example.com`);
      const account = await tobira.store.accounts.findByEmail(phone.email);
      const answers = await simultaneousRequests(phone, 10, hourly);
      const sent = answers.filter((answer) => answer.status === 200);
      assert.ok(sent.length <= 4, `${sent.length} approvals against a cap of 4`);
      if (kind === 'memory') assert.equal(sent.length, 4);
      for (const answer of answers.filter((a) => a.status !== 200)) assert.deepEqual([answer.status, answer.body.error], [429, 'push_rate_limited']);
      assert.equal(await tobira.store.approvals.countCreatedSince(account!.id, new Date(Date.now() - 3600_000)), sent.length);
    });

    race('an approved approval signs in once: of five simultaneous completions one succeeds, and a later one is refused', async () => {
      const phone = await h.phoneFor(config, `once.${kind}@example.com`);
      const account = await tobira.store.accounts.findByEmail(phone.email);
      const pc = await h.pcRequests(config, phone.email);
      const id = String(pc.started.approvalId);
      assert.equal((await h.approveOn(phone, id, String(pc.started.number))).status, 200);
      const completions = await Promise.all(Array.from({ length: 5 }, () => h.postJson(pc.browser, `/interaction/${pc.uid}/push/${id}/complete`, {}, pc.csrf)));
      const statuses = completions.map((page) => page.status).sort();
      assert.deepEqual(statuses, [200, 409, 409, 409, 409], completions.map((page) => page.body).join('\n'));
      for (const page of completions.filter((p) => p.status === 409)) assert.equal(jsonOf(page).error, 'approval_used');
      const again = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${id}/complete`, {}, pc.csrf);
      assert.ok(again.status === 409 || again.status === 400, again.body);
      const signIns = (await tobira.store.audit.listByAccount(account!.id, 100, ['login.succeeded'])).filter((event) => event.details.approvalId === id);
      assert.equal(signIns.length, 1, 'one login.succeeded for one approval');
    });
  });
}
