// The operator API's user accounts and audit log over HTTP against a real tobira: looking an
// account up (every view audited, nothing secret shown), signing it out everywhere, disabling it
// (no sign-in by password, passkey or phone; its sessions and tokens end; a stranger learns
// nothing) and enabling it again, starting its recovery, searching the audit log page by page,
// and every bad input refused with a clear error and nothing changed.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { createLogger } from '../../src/log.ts';
import { OperatorService } from '../../src/operators/operator-service.ts';
import type { OperatorScope } from '../../src/operators/roles.ts';
import type { AuditEvent, Store } from '../../src/store/types.ts';
import { member } from '../support/account-menu.ts';
import { errorCodeOf, HttpBrowser } from '../support/http-browser.ts';
import { PARTNER_CALLBACK, PASSWORD, startAuthorization } from '../support/partner.ts';
import { jsonOf, usePushTobira } from '../support/push-harness.ts';
import { adminCall, ADMIN_TOKEN, lostPhoneAccount, passkeySignIn, runCli, type LostPhoneAccount } from '../support/recovery-harness.ts';
import { FEATURE_STORES } from '../support/stores.ts';

const ACCOUNTS = '/admin/api/accounts';

/** A personal token of `accountId` (an operator), made by the operator service on the test's store, as the console makes one. */
async function personalToken(store: Store, accountId: string, scopes: OperatorScope[]): Promise<string> {
  const operators = new OperatorService({
    grants: store.operatorGrants,
    tokens: store.operatorTokens,
    accounts: { findById: (id) => store.accounts.findById(id), findByEmail: (email) => store.accounts.findByEmail(email) },
    audit: new AuditLog(store.audit, createLogger('silent')),
    tokenMaxDays: 30,
  });
  return (await operators.createToken(accountId, { name: `test ${scopes.join(' ')}`, scopes, days: 1 }, { actor: 'test', ip: null, userAgent: null })).token;
}

for (const kind of FEATURE_STORES) {
  describe(`operator API: user accounts and the audit log (${kind} store)`, function () {
    this.timeout(90_000);
    const suite = usePushTobira(kind, { smtp: true, env: { ADMIN_TOKEN } });
    const { h } = suite;
    /** The operator's own account, personal token (accounts and audit), and how the audit log names them. */
    let operator: { accountId: string; email: string; token: string; actor: string };

    before(async () => {
      const email = `sato.operator.${kind}@example.com`;
      const { accountId } = await member(suite.tobira.issuer, suite.config, email);
      await suite.store.operatorGrants.put({ accountId, role: 'operator', grantedAt: new Date(), grantedBy: 'test' });
      operator = { accountId, email, token: await personalToken(suite.store, accountId, ['accounts', 'audit', 'recovery']), actor: `operator:${accountId}:${email}` };
    });

    const api = (method: 'GET' | 'POST', path: string, body?: unknown) => adminCall(suite.tobira.issuer, method, path, { token: operator.token, ...(body === undefined ? {} : { body }) });
    const eventsOf = (accountId: string, types: string[]) => suite.store.audit.listByAccount(accountId, 100, types);

    /** A password sign-in on a partner's page: the page it ends on. */
    async function passwordSignIn(email: string, password = PASSWORD) {
      const browser = new HttpBrowser();
      const login = await browser.follow((await startAuthorization(suite.config)).url.href);
      return browser.submit(login, '/password', { email, password }, PARTNER_CALLBACK);
    }

    /** A phone approval from a new PC, approved on the account's phone: the PC and the phone's answer. */
    async function approvedOnPhone(account: LostPhoneAccount) {
      const pc = await h.pcRequests(suite.config, account.email);
      assert.equal(typeof pc.started.approvalId, 'string', JSON.stringify(pc.started));
      const approved = await h.approveOn({ email: account.email, browser: account.phone, key: account.phoneKey, csrf: account.phoneCsrf }, String(pc.started.approvalId), String(pc.started.number));
      return { approved, complete: () => h.postJson(pc.browser, `/interaction/${pc.uid}/push/${String(pc.started.approvalId)}/complete`, {}, pc.csrf) };
    }

    /** The phone signs in again (as its app would after being signed out), by password. */
    async function phoneSignsInAgain(account: LostPhoneAccount): Promise<void> {
      const login = await account.phone.follow((await startAuthorization(suite.config)).url.href);
      const page = await account.phone.submit(login, '/password', { email: account.email, password: PASSWORD }, PARTNER_CALLBACK);
      assert.ok(page.url.startsWith(PARTNER_CALLBACK), page.body.slice(0, 500));
    }

    it('shows an account by e-mail or id with what its owner sees, nothing secret, and audits every view', async () => {
      const alice = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `lookup.${kind}@example.com`);
      const viewsBefore = (await eventsOf(alice.accountId, ['account.viewed'])).length;
      const byEmail = await api('GET', `${ACCOUNTS}/${encodeURIComponent(alice.email.toUpperCase())}`);
      assert.equal(byEmail.status, 200, JSON.stringify(byEmail.json));
      const byId = await api('GET', `${ACCOUNTS}/${alice.accountId}`);
      assert.equal(byId.status, 200);
      assert.equal(byEmail.headers.get('cache-control'), 'no-store');
      const view = byEmail.json as { account: Record<string, unknown>; passkeys: Array<Record<string, unknown>>; phones: unknown[]; trustedBrowsers: unknown[]; contacts: Record<string, unknown>; signedIn: Record<string, unknown>; signIns: Array<Record<string, unknown>> };
      assert.equal(view.account.id, alice.accountId);
      assert.equal(view.account.email, alice.email);
      assert.equal(view.account.disabled, null);
      assert.equal(view.account.hasPassword, true);
      assert.equal(typeof view.account.lastSignInAt, 'string');
      assert.equal(view.phones.length, 1);
      assert.deepEqual(view.passkeys.map((p) => p.phone), [true], "the phone's passkey, marked as the phone's");
      assert.ok(view.trustedBrowsers.length >= 1, 'the PC signed in through the phone is trusted');
      assert.ok(Number(view.signedIn.sessions) >= 3, JSON.stringify(view.signedIn));
      assert.ok(view.signIns.some((s) => s.ok === true && s.method === 'push'));
      assert.deepEqual((byId.json.account as Record<string, unknown>).id, alice.accountId);
      const text = JSON.stringify([byEmail.json, byId.json]);
      for (const secret of ['passwordHash', 'publicKey', 'webauthnUserId', 'tokenHash', 'subscription', 'endpoint', '$argon2']) assert.ok(!text.includes(secret), `no ${secret} in the answer`);
      const views = await eventsOf(alice.accountId, ['account.viewed']);
      assert.equal(views.length, viewsBefore + 2, 'each view audited');
      assert.ok(views.slice(0, 2).every((e) => e.actor === operator.actor && Array.isArray(e.details.shown)));
    });

    it('refuses bad lookups and bad action input with clear errors, and changes nothing', async () => {
      const bob = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `bad-input.${kind}@example.com`);
      const auditBefore = (await suite.store.audit.listByAccount(bob.accountId, 500)).length;
      const before = JSON.stringify(await suite.store.accounts.findById(bob.accountId));
      const cases: Array<[method: 'GET' | 'POST', path: string, body: unknown, status: number, error: string]> = [
        ['GET', `${ACCOUNTS}/${encodeURIComponent('not an id')}`, undefined, 400, 'account_lookup_invalid'],
        ['GET', `${ACCOUNTS}/${encodeURIComponent('two@at@example.com')}`, undefined, 400, 'account_lookup_invalid'],
        ['GET', `${ACCOUNTS}/${'x'.repeat(65)}`, undefined, 400, 'account_lookup_invalid'],
        ['GET', `${ACCOUNTS}/${encodeURIComponent(`nobody.${kind}@example.com`)}`, undefined, 404, 'account_lookup_none'],
        ['GET', `${ACCOUNTS}/00000000-0000-4000-8000-000000000000`, undefined, 404, 'account_lookup_none'],
        ['POST', `${ACCOUNTS}/${bob.accountId}/disable`, {}, 400, 'invalid_input'],
        ['POST', `${ACCOUNTS}/${bob.accountId}/disable`, { reason: '   ' }, 400, 'invalid_input'],
        ['POST', `${ACCOUNTS}/${bob.accountId}/disable`, { reason: 'x'.repeat(501) }, 400, 'invalid_input'],
        ['POST', `${ACCOUNTS}/${bob.accountId}/disable`, { reason: 'fraud\u001b[2J' }, 400, 'invalid_input'],
        ['POST', `${ACCOUNTS}/${bob.accountId}/disable`, { reason: 42 }, 400, 'invalid_input'],
        ['POST', `${ACCOUNTS}/${bob.accountId}/recovery`, {}, 400, 'invalid_input'],
        ['POST', `${ACCOUNTS}/${bob.accountId}/enable`, {}, 409, 'account_not_disabled'],
        ['POST', `${ACCOUNTS}/${encodeURIComponent(`nobody.${kind}@example.com`)}/disable`, { reason: 'x' }, 404, 'account_lookup_none'],
        ['POST', `${ACCOUNTS}/${encodeURIComponent(`nobody.${kind}@example.com`)}/sign-out`, {}, 404, 'account_lookup_none'],
        ['POST', `${ACCOUNTS}/${bob.accountId}/delete`, {}, 404, 'not_found'],
      ];
      for (const [method, path, body, status, error] of cases) {
        const answer = await api(method, path, body);
        assert.equal(answer.status, status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.json)}`);
        assert.equal(answer.json.error, error, `${method} ${path}`);
        assert.equal(typeof answer.json.message, 'string');
        assert.ok(String(answer.json.message).length > 0);
      }
      const ja = await adminCall(suite.tobira.issuer, 'GET', `${ACCOUNTS}/${encodeURIComponent('not an id')}`, { token: operator.token, headers: { 'accept-language': 'ja' } });
      assert.match(String(ja.json.message), /メールアドレス/);
      assert.equal(JSON.stringify(await suite.store.accounts.findById(bob.accountId)), before, 'the account is as it was');
      assert.equal((await suite.store.audit.listByAccount(bob.accountId, 500)).length, auditBefore, 'nothing was audited: nothing was shown or done');
      const refused = await passwordSignIn(bob.email);
      assert.ok(refused.url.startsWith(PARTNER_CALLBACK), 'the account still signs in');
    });

    it('refuses a call without an operator token, and a token without the scope, changing nothing', async () => {
      const recoveryOnly = await personalToken(suite.store, operator.accountId, ['recovery']);
      const target = await member(suite.tobira.issuer, suite.config, `scoped.${kind}@example.com`);
      for (const [method, path] of [['GET', `${ACCOUNTS}/${target.accountId}`], ['POST', `${ACCOUNTS}/${target.accountId}/disable`], ['GET', `/admin/api/audit?account=${target.accountId}`]] as const) {
        const body = method === 'POST' ? { body: { reason: 'x' } } : {};
        assert.equal((await adminCall(suite.tobira.issuer, method, path, { token: null, ...body })).status, 401, `${method} ${path}`);
        const scoped = await adminCall(suite.tobira.issuer, method, path, { token: recoveryOnly, ...body });
        assert.equal(scoped.status, 403, `${method} ${path}`);
        assert.equal(scoped.json.error, 'operator_forbidden');
      }
      assert.equal((await suite.store.accounts.findById(target.accountId))?.disabled, null);
      assert.deepEqual(await eventsOf(target.accountId, ['account.viewed', 'account.disabled', 'audit.searched']), []);
    });

    it("ends a disabled operator's personal token with the account's sign-ins, and lets it work again once enabled", async () => {
      const other = await member(suite.tobira.issuer, suite.config, `other.operator.${kind}@example.com`);
      await suite.store.operatorGrants.put({ accountId: other.accountId, role: 'operator', grantedAt: new Date(), grantedBy: 'test' });
      const token = await personalToken(suite.store, other.accountId, ['audit']);
      const search = () => adminCall(suite.tobira.issuer, 'GET', `/admin/api/audit?account=${other.accountId}`, { token });
      assert.equal((await search()).status, 200);
      assert.equal((await api('POST', `${ACCOUNTS}/${other.accountId}/disable`, { reason: 'left the company' })).status, 200);
      const refused = await search();
      assert.equal(refused.status, 401);
      assert.equal(refused.json.error, 'admin_unauthorized');
      const [audited] = await suite.store.audit.listByAccount(other.accountId, 1, ['admin.unauthorized']);
      assert.equal(audited?.details.reason, 'account_disabled');
      assert.equal((await api('POST', `${ACCOUNTS}/${other.accountId}/enable`)).status, 200);
      assert.equal((await search()).status, 200);
    });

    it("refuses to disable the operator's own account", async () => {
      const answer = await api('POST', `${ACCOUNTS}/${encodeURIComponent(operator.email)}/disable`, { reason: 'oops' });
      assert.equal(answer.status, 409);
      assert.equal(answer.json.error, 'account_disable_self');
      assert.equal((await suite.store.accounts.findById(operator.accountId))?.disabled, null);
    });

    it('signs an account out everywhere: sessions, partner tokens and trusted browsers end, and the answer says how many', async () => {
      const carol = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `sign-out.${kind}@example.com`);
      const answer = await api('POST', `${ACCOUNTS}/${encodeURIComponent(carol.email)}/sign-out`);
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      const ended = answer.json.ended as { sessions: number; tokens: number; trustedBrowsers: number };
      assert.ok(ended.sessions >= 3 && ended.tokens >= 1 && ended.trustedBrowsers >= 1, JSON.stringify(ended));
      await assert.rejects(oidc.refreshTokenGrant(suite.config, carol.refreshToken), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      for (const browser of [carol.browser, carol.pc]) assert.equal((await browser.request(`${suite.tobira.issuer}/account`)).status, 303, 'sent to sign in');
      const [revoked] = await eventsOf(carol.accountId, ['access.revoked']);
      assert.equal(revoked?.actor, operator.actor);
      assert.equal(revoked?.details.reason, 'operator_sign_out');
      assert.ok((await passwordSignIn(carol.email)).url.startsWith(PARTNER_CALLBACK), 'signing in again works');
    });

    it('disables an account: everything ends, password, passkey and phone sign-ins are refused after the proof only, and enabling lets it in again', async () => {
      const dave = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `disable.${kind}@example.com`);
      // Approved on the phone a moment before the account is disabled; the PC finishes only after.
      const racing = await approvedOnPhone(dave);
      assert.equal(racing.approved.status, 200, racing.approved.body);
      const disabled = await api('POST', `${ACCOUNTS}/${encodeURIComponent(dave.email)}/disable`, { reason: 'reported stolen phone' });
      assert.equal(disabled.status, 200, JSON.stringify(disabled.json));
      const account = disabled.json.account as Record<string, unknown>;
      assert.deepEqual({ ...(account.disabled as Record<string, unknown>), at: undefined }, { at: undefined, by: operator.actor, reason: 'reported stolen phone' });
      const ended = disabled.json.ended as { sessions: number; tokens: number; trustedBrowsers: number };
      assert.ok(ended.sessions >= 3 && ended.tokens >= 1 && ended.trustedBrowsers >= 1, JSON.stringify(ended));
      const [event] = await eventsOf(dave.accountId, ['account.disabled']);
      assert.equal(event?.actor, operator.actor);
      assert.equal(event?.details.reason, 'reported stolen phone');
      assert.equal((await api('POST', `${ACCOUNTS}/${dave.accountId}/disable`, { reason: 'again' })).json.error, 'account_already_disabled');

      await assert.rejects(oidc.refreshTokenGrant(suite.config, dave.refreshToken), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      for (const browser of [dave.browser, dave.pc, dave.phone]) assert.equal((await browser.request(`${suite.tobira.issuer}/account`)).status, 303);

      const push = await racing.complete();
      assert.equal(push.status, 403, push.body);
      assert.equal(jsonOf(push).error, 'account_disabled');
      // A stranger with a wrong password is told what any wrong password is told.
      const stranger = await passwordSignIn(dave.email, 'not the password at all');
      assert.equal(errorCodeOf(stranger), 'invalid_credentials');
      // The owner, with the right password, the phone's passkey or an approval on the phone, is told the account is disabled.
      const password = await passwordSignIn(dave.email);
      assert.ok(!password.url.startsWith(PARTNER_CALLBACK));
      assert.equal(password.status, 403);
      assert.equal(errorCodeOf(password), 'account_disabled');
      assert.match(password.body, /cannot sign in at the moment/);
      const passkey = await passkeySignIn(h, suite.config, dave.phoneKey);
      assert.equal(passkey.status, 403, passkey.body);
      assert.equal(jsonOf(passkey).error, 'account_disabled');
      // A new phone approval is answered as for an address without a phone, and the phone is sent nothing.
      const pushesBefore = suite.receiver.messages.length;
      const stillAsked = await h.pcRequests(suite.config, dave.email);
      const unknownAsked = await h.pcRequests(suite.config, `nobody.${kind}@example.com`);
      // Both answers have the same shape (a number and a countdown, as for any address: h/signin's rule), only their random values differ.
      const shape = (started: Record<string, unknown>): Record<string, unknown> => ({ ...started, approvalId: typeof started.approvalId, number: typeof started.number, expiresAt: typeof started.expiresAt });
      assert.deepEqual(shape(stillAsked.started), shape(unknownAsked.started));
      assert.equal(typeof stillAsked.started.approvalId, 'string');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(suite.receiver.messages.length, pushesBefore);
      const failures = await eventsOf(dave.accountId, ['login.failed', 'login.succeeded']);
      assert.deepEqual(failures.slice(0, 4).map((e) => [e.type, e.details.method, e.details.reason]), [
        ['login.failed', 'passkey', 'account_disabled'], ['login.failed', 'password', 'account_disabled'], ['login.failed', 'password', 'invalid_credentials'], ['login.failed', 'push', 'account_disabled'],
      ], 'every refusal audited; none signed in');
      // A password reset mails nothing to a disabled account (the page says what it says to anyone).
      const mailsBefore = suite.smtp.messages.filter((m) => m.to.includes(dave.email)).length;
      const reset = new HttpBrowser();
      const resetPage = await reset.follow(`${suite.tobira.issuer}/password-reset`);
      await reset.submit(resetPage, '/password-reset', { email: dave.email });
      const [refusedReset] = await eventsOf(dave.accountId, ['password_reset.refused']);
      assert.equal(refusedReset?.details.reason, 'account_disabled');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(suite.smtp.messages.filter((m) => m.to.includes(dave.email)).length, mailsBefore);

      const enabled = await api('POST', `${ACCOUNTS}/${dave.accountId}/enable`);
      assert.equal(enabled.status, 200, JSON.stringify(enabled.json));
      assert.equal((enabled.json.account as Record<string, unknown>).disabled, null);
      assert.equal((await eventsOf(dave.accountId, ['account.enabled']))[0]?.actor, operator.actor);
      const again = await passwordSignIn(dave.email);
      assert.ok(again.url.startsWith(PARTNER_CALLBACK), again.body.slice(0, 500));
      assert.equal((await passkeySignIn(h, suite.config, dave.phoneKey)).status, 200);
      await phoneSignsInAgain(dave);
      const push2 = await approvedOnPhone(dave);
      assert.equal(push2.approved.status, 200, push2.approved.body);
      assert.equal((await push2.complete()).status, 200);
    });

    it('starts a recovery for an account: a pending request in the queue, audited', async () => {
      const erin = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `recovery.${kind}@example.com`);
      const answer = await api('POST', `${ACCOUNTS}/${encodeURIComponent(erin.email)}/recovery`, { note: 'Called support: phone lost, identity checked.' });
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      const request = answer.json.request as Record<string, unknown>;
      assert.equal(request.status, 'pending');
      assert.equal(request.accountId, erin.accountId);
      const stored = await suite.store.recoveryRequests.findById(String(request.id));
      assert.equal(stored?.message, 'Called support: phone lost, identity checked.');
      const listed = await api('GET', '/admin/api/recovery-requests?status=pending');
      assert.ok((listed.json.requests as Array<Record<string, unknown>>).some((r) => r.id === request.id));
      const [filed] = await eventsOf(erin.accountId, ['recovery.requested']);
      assert.equal(filed?.actor, operator.actor);
      assert.equal(filed?.details.startedByOperator, true);
    });

    it('searches the audit log by account, type and time, newest first, page by page, and audits the search', async () => {
      const frank = await lostPhoneAccount(h, suite.config, suite.tobira.issuer, suite.receiver, `audit.${kind}@example.com`);
      const since = new Date();
      for (let i = 0; i < 3; i += 1) await passwordSignIn(frank.email, `wrong password ${i}`);
      const all = await suite.store.audit.search({ accountId: frank.accountId, types: ['login.failed', 'login.succeeded'], limit: 100 });
      assert.ok(all.length >= 5);
      const pages: AuditEvent[][] = [];
      let next: unknown = undefined;
      do {
        const query = new URLSearchParams({ account: frank.email, type: 'login.failed,login.succeeded', limit: '2', ...(typeof next === 'string' ? { next } : {}) });
        const page = await api('GET', `/admin/api/audit?${query}`);
        assert.equal(page.status, 200, JSON.stringify(page.json));
        pages.push(page.json.events as AuditEvent[]);
        next = page.json.next;
      } while (typeof next === 'string' && pages.length < 20);
      assert.deepEqual(pages.flat().map((e) => e.id), all.map((e) => e.id), 'every event once, newest first');
      assert.ok(pages.slice(0, -1).every((p) => p.length === 2));

      const recent = await api('GET', `/admin/api/audit?${new URLSearchParams({ account: frank.accountId, type: 'login.failed', from: since.toISOString(), to: new Date(Date.now() + 60_000).toISOString() })}`);
      const failed = recent.json.events as AuditEvent[];
      assert.equal(failed.length, 3);
      assert.ok(failed.every((e) => e.type === 'login.failed' && e.accountId === frank.accountId && e.details.reason === 'invalid_credentials'));
      assert.equal(recent.json.next, null);

      const [searched] = await eventsOf(frank.accountId, ['audit.searched']);
      assert.equal(searched?.actor, operator.actor);
      assert.deepEqual(searched?.details.types, ['login.failed']);
    });

    it('refuses a bad audit search by the field at fault', async () => {
      const cases: Array<[query: string, status: number, error: string, field?: string]> = [
        ['limit=0', 400, 'audit_query_invalid', 'limit'],
        ['limit=201', 400, 'audit_query_invalid', 'limit'],
        ['limit=ten', 400, 'audit_query_invalid', 'limit'],
        ['type=Login%20Failed', 400, 'audit_query_invalid', 'type'],
        ['type=%2C%2C', 400, 'audit_query_invalid', 'type'],
        [`type=${Array.from({ length: 21 }, (_, i) => `t.e${i}`).join(',')}`, 400, 'audit_query_invalid', 'type'],
        ['from=yesterday', 400, 'audit_query_invalid', 'from'],
        ['from=2026-13-45T00:00:00Z', 400, 'audit_query_invalid', 'from'],
        ['from=2026-12-06T10:00:00Z&to=2026-12-06T09:00:00Z', 400, 'audit_query_invalid', 'to'],
        ['next=garbage', 400, 'audit_query_invalid', 'next'],
        ['type=a&type=b', 400, 'audit_query_invalid', 'type'],
        ['sort=oldest', 400, 'audit_query_invalid', 'sort'],
        ['account=not%20an%20id', 400, 'account_lookup_invalid'],
        [`account=nobody.${kind}%40example.com`, 404, 'account_lookup_none'],
      ];
      for (const [query, status, error, field] of cases) {
        const answer = await api('GET', `/admin/api/audit?${query}`);
        assert.equal(answer.status, status, `${query}: ${JSON.stringify(answer.json)}`);
        assert.equal(answer.json.error, error, query);
        if (field) assert.match(String(answer.json.message), new RegExp(`[(（]${field}[)）]`), query);
      }
    });

    it('does the same through the CLI with a personal token: show, disable, enable, sign-out, recover, audit search, and usage errors', async () => {
      const gina = await member(suite.tobira.issuer, suite.config, `cli.${kind}@example.com`);
      const env = { TOBIRA_OPERATOR_TOKEN: operator.token, TOBIRA_URL: suite.tobira.issuer };
      const shown = await runCli(['accounts', 'show', gina.email], env);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`account: +${gina.accountId} ${gina.email.replace(/\./g, '\\.')}`));
      assert.match(shown.stdout, /status: +may sign in/);
      assert.equal((await eventsOf(gina.accountId, ['account.viewed']))[0]?.actor, operator.actor);

      const noReason = await runCli(['accounts', 'disable', gina.email], env);
      assert.equal(noReason.code, 2);
      assert.match(noReason.stderr, /needs --reason/);
      const disabled = await runCli(['accounts', 'disable', gina.accountId, '--reason', 'asked by the user'], env);
      assert.equal(disabled.code, 0, disabled.stderr);
      assert.match(disabled.stdout, /^disabled .* ended \d+ session\(s\), \d+ token\(s\), \d+ trusted browser\(s\)/);
      assert.match((await runCli(['accounts', 'show', gina.email], env)).stdout, /status: +DISABLED by operator:.* asked by the user/);
      const twice = await runCli(['accounts', 'disable', gina.email, '--reason', 'again'], env);
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /HTTP 409, account_already_disabled/);
      assert.equal((await runCli(['accounts', 'enable', gina.email], env)).code, 0);
      assert.match((await runCli(['accounts', 'sign-out', gina.email], env)).stdout, /^signed out .* everywhere: ended/);
      const recover = await runCli(['accounts', 'recover', gina.email, '--note', 'identity checked by phone'], env);
      assert.match(recover.stdout, /recovery request [0-9a-f]{32} filed/);

      const search = await runCli(['audit', 'search', '--account', gina.email, '--type', 'account.disabled,account.enabled', '--limit', '1'], env);
      assert.equal(search.code, 0, search.stderr);
      const lines = search.stdout.trim().split('\n');
      assert.match(lines[0] ?? '', /account\.enabled +account .* by operator:/);
      const more = /^more: --next (\S+)$/.exec(lines[1] ?? '')?.[1];
      assert.ok(more, search.stdout);
      const second = await runCli(['audit', 'search', '--account', gina.email, '--type', 'account.disabled,account.enabled', '--limit', '1', '--next', more], env);
      assert.match(second.stdout, /account\.disabled/);
      const bad = await runCli(['audit', 'search', '--limit', '0'], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /HTTP 400, audit_query_invalid/);
      const unknown = await runCli(['accounts', 'show', `nobody.${kind}@example.com`], env);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /HTTP 404, account_lookup_none/);
      assert.equal((await runCli(['accounts', 'frobnicate', gina.email], env)).code, 2);
    });
  });
}
