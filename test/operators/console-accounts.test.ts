// The console's user accounts, audit log and recovery queue over HTTP, the refusals the browser
// suite does not take: a disable without a reason or with control characters (on its field, nothing
// changed), disabling one's own account, an unknown or malformed account id, a bad audit search on
// its field, a rejection without a reason, sign out everywhere answered with what ended, paging the
// audit log, forms without the CSRF token, and an operator's view of a request audited with their
// account.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import type { Store } from '../../src/store/types.ts';
import { HttpBrowser, type Page } from '../support/http-browser.ts';
import { discover, partnerClient, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { consoleCsrf, openConsole, passkeyMember, type TestOperator } from '../support/operators.ts';
import { fileRecoveryRequest } from '../support/recovery-harness.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

for (const kind of FEATURE_STORES) {
  describe(`the console's accounts, audit and recovery pages (${kind} store)`, function () {
    this.timeout(60_000);
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;
    let operator: TestOperator;
    let userId = '';
    const userEmail = `console-http-user.${kind}@example.com`;

    before(async () => {
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()] });
      config = await discover(tobira.issuer);
      operator = await passkeyMember(tobira.issuer, config, `console-http-operator.${kind}@example.com`, store, 'operator');
      const pending = await startAuthorization(config);
      await redeem(config, pending, (await signUpAndConsent(new HttpBrowser(), pending, userEmail)).url);
      userId = (await store.accounts.findByEmail(userEmail))?.id ?? '';
      assert.ok(userId);
    });
    after(async () => {
      await tobira?.close();
      await store?.close();
    });

    const open = (path: string): Promise<Page> => openConsole(tobira.issuer, operator.browser, operator.key, path);
    const actor = (): string => `operator:${operator.accountId}:${operator.email}`;

    it('refuses a disable without a reason, with control characters, or of the operator\'s own account, on the form, changing nothing', async () => {
      const form = await open(`/console/accounts/${userId}/disable`);
      assert.equal(form.status, 200, form.body.slice(0, 500));
      for (const reason of ['', '   ', 'fraud\u001b[2J', 'x'.repeat(501)]) {
        const refused = await operator.browser.submit(form, `/console/accounts/${userId}/disable`, { reason });
        assert.equal(refused.status, 400, JSON.stringify(reason));
        assert.match(refused.body, /id="reason"[^>]*aria-invalid="true" aria-describedby="reason-error"/);
        assert.match(refused.body, /id="reason-error"[^>]*data-code="invalid_input"/);
      }
      assert.equal((await store.accounts.findById(userId))?.disabled, null);

      const own = await open(`/console/accounts/${operator.accountId}`);
      assert.ok(!own.body.includes('id="disable-link"'), 'no disable link on one\'s own account');
      const self = await operator.browser.request(`${tobira.issuer}/console/accounts/${operator.accountId}/disable`, { form: { _csrf: consoleCsrf(own), reason: 'oops' } });
      assert.equal(self.status, 409);
      assert.match(self.body, /data-code="account_disable_self"/);
      assert.equal((await store.accounts.findById(operator.accountId))?.disabled, null);
      assert.deepEqual(await store.audit.listByAccount(userId, 10, ['account.disabled']), []);
    });

    it('answers an unknown or malformed account with a clear error, and audits no view', async () => {
      const views = (await store.audit.list({ type: 'account.viewed', limit: 100 })).length;
      const unknown = await open('/console/accounts/00000000-0000-4000-8000-000000000000');
      assert.equal(unknown.status, 404);
      assert.match(unknown.body, /data-code="account_lookup_none"/);
      const malformed = await open(`/console/accounts/${encodeURIComponent('a b')}`);
      assert.equal(malformed.status, 400);
      assert.match(malformed.body, /data-code="account_lookup_invalid"/);
      const lookup = await open(`/console/accounts?q=${encodeURIComponent(userEmail)}`);
      assert.equal(lookup.status, 200, 'the lookup leads to the account page');
      assert.match(lookup.url, new RegExp(`/console/accounts/${userId}$`));
      assert.equal((await store.audit.list({ type: 'account.viewed', limit: 100 })).length, views + 1, 'only the real view audited');
    });

    it('signs the account out everywhere, answering with what ended, and refuses forms without the CSRF token', async () => {
      const noCsrf = await operator.browser.request(`${tobira.issuer}/console/accounts/${userId}/disable`, { form: { reason: 'sneaky' } });
      assert.equal(noCsrf.status, 403);
      assert.equal((await store.accounts.findById(userId))?.disabled, null);
      const confirm = await open(`/console/accounts/${userId}/sign-out`);
      assert.match(confirm.body, new RegExp(userEmail.replace(/\./g, '\\.')));
      const done = await operator.browser.submit(confirm, `/console/accounts/${userId}/sign-out`, {});
      assert.equal(done.status, 200);
      assert.match(done.body, /id="ended" data-sessions="1" data-tokens="\d+" data-browsers="0"/);
      const [revoked] = await store.audit.listByAccount(userId, 1, ['access.revoked']);
      assert.equal(revoked?.actor, actor());
    });

    it('refuses a bad audit search on its field, and pages through the log', async () => {
      const bad = await open('/console/audit?type=Not%20A%20Type&search=1');
      assert.equal(bad.status, 400);
      assert.match(bad.body, /id="audit-type"[^>]*aria-invalid="true" aria-describedby="type-error"/);
      const badTime = await open('/console/audit?from=2026-02-30T10%3A00&to=2026-02-01T10%3A00&search=1');
      assert.equal(badTime.status, 400);
      const none = await open(`/console/audit?account=nobody.${kind}%40example.com&search=1`);
      assert.equal(none.status, 404);
      assert.match(none.body, /id="account-error"[^>]*data-code="account_lookup_none"/);
      // 60 events of one type: a first page of 50 with a link to the next, which holds the other 10.
      const at = Date.now() - 60_000;
      for (let i = 0; i < 60; i += 1) await store.audit.append({ at: new Date(at + i * 100), type: 'test.paged', accountId: userId, actor: 'system', ip: null, userAgent: null, details: { i } });
      const first = await open(`/console/audit?account=${userId}&type=test.paged&search=1`);
      const numbers = (page: Page): number[] => [...page.body.matchAll(/<code>\{&#34;i&#34;:(\d+)\}<\/code>/g)].map((m) => Number(m[1]));
      assert.deepEqual(numbers(first), Array.from({ length: 50 }, (_, k) => 59 - k), 'newest first');
      const next = /href="([^"]+)" id="audit-next"/.exec(first.body)?.[1];
      assert.ok(next, 'a link to the next page');
      const second = await open(next.replace(/&amp;/g, '&'));
      assert.deepEqual(numbers(second), Array.from({ length: 10 }, (_, k) => 9 - k));
      assert.ok(!second.body.includes('id="audit-next"'), 'the last page');
    });

    it('shows a recovery request (audited with the operator), refuses a rejection without a reason, and rejects it', async () => {
      assert.equal((await fileRecoveryRequest(tobira.issuer, { accountId: userEmail, contactEmail: 'me@example.org', message: 'phone lost' })).status, 303);
      const [request] = await store.recoveryRequests.list({ status: 'pending', limit: 1 });
      assert.ok(request);
      const list = await open('/console/recovery');
      assert.match(list.body, new RegExp(`data-request-id="${request.id}" data-status="pending"`));
      const shown = await open(`/console/recovery/${request.id}`);
      assert.equal(shown.status, 200);
      assert.equal((await store.audit.list({ type: 'recovery.viewed', limit: 1 }))[0]?.actor, actor());
      const refused = await operator.browser.submit(shown, `/console/recovery/${request.id}/reject`, { reason: ' ' });
      assert.equal(refused.status, 400);
      assert.match(refused.body, /id="reason"[^>]*aria-invalid="true"/);
      assert.equal((await store.recoveryRequests.findById(request.id))?.status, 'pending');
      const rejected = await operator.browser.submit(shown, `/console/recovery/${request.id}/reject`, { reason: 'contacts do not match' });
      assert.equal(rejected.status, 200);
      assert.match(rejected.body, /id="notice"/);
      const stored = await store.recoveryRequests.findById(request.id);
      assert.equal(stored?.status, 'rejected');
      assert.equal(stored?.decidedBy, actor());
      const again = await operator.browser.submit(shown, `/console/recovery/${request.id}/reject`, { reason: 'twice' });
      assert.equal(again.status, 409);
      assert.match(again.body, /data-code="recovery_request_decided"/);
    });
  });
}
