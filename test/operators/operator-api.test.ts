// Operators are tobira accounts with a role, and the operator API knows who is calling: the
// bootstrap token makes the first admin and is refused from then on (unless allowed); the
// console's passkey session and personal tokens act as their account, within their role and
// scopes; expired, revoked and orphaned tokens, password sessions and non-operators are refused;
// every action is audited with the operator's account id and e-mail.
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import type { Store } from '../../src/store/types.ts';
import { passwordSignIn } from '../support/account-menu.ts';
import { discover, partnerClient } from '../support/partner.ts';
import { adminCall, ADMIN_TOKEN, runCli } from '../support/recovery-harness.ts';
import { consoleCsrf, openConsole, passkeyMember, sessionCall, type TestOperator } from '../support/operators.ts';
import { member } from '../support/account-menu.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

const DAY_MS = 86_400_000;

for (const kind of FEATURE_STORES) {
  describe(`operators and the operator API (${kind} store)`, function () {
    this.timeout(90_000);
    let store: Store;
    let tobira: RunningTobira;
    let config: oidc.Configuration;
    let offset = 0;
    let admin: TestOperator;
    const email = (name: string): string => `${name}.${kind}@example.com`;
    const actorOf = (op: { accountId: string; email: string }): string => `operator:${op.accountId}:${op.email}`;
    const latest = async (type: string) => (await store.audit.list({ type, limit: 1 }))[0];

    before(async () => {
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()], env: { ADMIN_TOKEN }, now: () => Date.now() + offset });
      config = await discover(tobira.issuer);
      admin = await passkeyMember(tobira.issuer, config, email('admin'), store);
    });
    after(async () => {
      await tobira?.close();
      await store?.close();
    });

    /** A personal token made in the console by `op` (signed in there), with these scopes and days. */
    async function consoleToken(op: TestOperator, scopes: string[], days = 1, name = 'script'): Promise<string> {
      const page = await openConsole(tobira.issuer, op.browser, op.key, '/console/tokens');
      assert.equal(page.status, 200, page.body.slice(0, 300));
      // Checkboxes post one field per scope, which HttpBrowser.submit cannot: the form is posted by hand.
      const form = new URLSearchParams({ _csrf: consoleCsrf(page), name, days: String(days) });
      for (const scope of scopes) form.append('scopes', scope);
      const answer = await op.browser.request(`${tobira.issuer}/console/tokens`, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(answer.status, 200, answer.body.slice(-1500));
      const token = /id="created-token">([^<]+)</.exec(answer.body)?.[1];
      assert.ok(token, 'the token is shown once on the answer');
      return token;
    }

    it('makes the first admin with the bootstrap token, then refuses that token (audited)', async () => {
      assert.deepEqual(await store.operatorGrants.listAdmins(), []);
      const run = await runCli(['operators', 'grant', admin.email, 'admin'], { ADMIN_TOKEN, TOBIRA_URL: tobira.issuer });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`granted admin to ${admin.email.replace(/\./g, '\\.')} \\(account ${admin.accountId}\\)`));
      const granted = await latest('operator.granted');
      assert.equal(granted?.actor, 'operator:bootstrap-token');
      assert.equal(granted?.accountId, admin.accountId);
      assert.equal(granted?.details.role, 'admin');

      const refused = await adminCall(tobira.issuer, 'GET', '/admin/api/operators', { headers: { 'accept-language': 'en' } });
      assert.equal(refused.status, 401);
      assert.equal(refused.json.error, 'admin_token_retired');
      assert.match(String(refused.json.message), /ADMIN_TOKEN_AFTER_BOOTSTRAP/);
      assert.equal((await latest('admin.unauthorized'))?.details.reason, 'bootstrap_token_retired');
      const again = await runCli(['operators', 'grant', email('sneaky'), 'admin'], { ADMIN_TOKEN, TOBIRA_URL: tobira.issuer });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /admin_token_retired/);
    });

    it('accepts the bootstrap token after an admin exists only when ADMIN_TOKEN_AFTER_BOOTSTRAP is set', async () => {
      const allowing = await startTobira({ store, clients: [partnerClient()], env: { ADMIN_TOKEN, ADMIN_TOKEN_AFTER_BOOTSTRAP: 'true' } });
      try {
        const answer = await adminCall(allowing.issuer, 'GET', '/admin/api/operators');
        assert.equal(answer.status, 200, JSON.stringify(answer.json));
        assert.deepEqual((answer.json.operators as Array<{ email: string; role: string }>).map((o) => [o.email, o.role]), [[admin.email, 'admin']]);
      } finally {
        await allowing.close();
      }
    });

    it('lets an admin in with the console session, audits its changes with the account, and wants the CSRF token on changes', async () => {
      const home = await openConsole(tobira.issuer, admin.browser, admin.key);
      assert.equal(home.status, 200);
      assert.match(home.body, new RegExp(`id="console-who".*${admin.email.replace(/\./g, '\\.')}`));
      const listed = await sessionCall(tobira.issuer, admin.browser, 'GET', '/admin/api/operators');
      assert.equal(listed.status, 200, JSON.stringify(listed.json));
      const target = await member(tobira.issuer, config, email('ops'));
      const noCsrf = await sessionCall(tobira.issuer, admin.browser, 'POST', '/admin/api/operators', { email: target.email, role: 'operator' });
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.json.error, 'csrf_failed');
      assert.equal(await store.operatorGrants.find(target.accountId), undefined, 'nothing changed');
      const granted = await sessionCall(tobira.issuer, admin.browser, 'POST', '/admin/api/operators', { email: target.email, role: 'operator', operator: 'someone-else' }, consoleCsrf(home));
      assert.equal(granted.status, 200, JSON.stringify(granted.json));
      assert.equal((await store.operatorGrants.find(target.accountId))?.role, 'operator');
      const event = await latest('operator.granted');
      assert.equal(event?.actor, actorOf(admin), 'the audit names the admin\'s account, not a declared name');
      assert.equal(event?.accountId, target.accountId);
      assert.equal((await store.operatorGrants.find(target.accountId))?.grantedBy, actorOf(admin));
    });

    it('refuses a non-operator and a password session, in the API and in the console', async () => {
      const outsider = await passkeyMember(tobira.issuer, config, email('outsider'), store);
      const api = await sessionCall(tobira.issuer, outsider.browser, 'GET', '/admin/api/recovery-requests');
      assert.equal(api.status, 401);
      assert.equal(api.json.error, 'admin_unauthorized');
      assert.equal((await latest('admin.unauthorized'))?.details.reason, 'console_not_operator');
      const page = await openConsole(tobira.issuer, outsider.browser);
      assert.equal(page.status, 403);
      assert.match(page.body, /id="console-refused"/);
      assert.equal((await latest('console.refused'))?.accountId, outsider.accountId);

      // An operator signed in with a password: the console sends them to sign in with a passkey.
      const pw = await member(tobira.issuer, config, email('password-op'));
      await store.operatorGrants.put({ accountId: pw.accountId, role: 'admin', grantedAt: new Date(), grantedBy: 'test' });
      await passwordSignIn(config, pw.browser, pw.email, undefined, { prompt: 'login' });
      const apiPw = await sessionCall(tobira.issuer, pw.browser, 'GET', '/admin/api/clients');
      assert.equal(apiPw.status, 401);
      assert.equal((await latest('admin.unauthorized'))?.details.reason, 'console_not_passkey');
      const redirect = await pw.browser.request(`${tobira.issuer}/console`);
      assert.equal(redirect.status, 303);
      const to = new URL(redirect.headers.get('location') ?? '');
      assert.equal(to.pathname, '/auth');
      assert.equal(to.searchParams.get('client_id'), 'tobira-console');
      assert.equal(to.searchParams.get('acr_values'), 'phr');
      assert.equal(to.searchParams.get('prompt'), 'login');
      const signIn = await pw.browser.follow(to.href);
      assert.match(signIn.url, /\/interaction\//);
      assert.match(signIn.body, /data-reason="console"/, 'the sign-in page says why');
      await store.operatorGrants.remove(pw.accountId);
    });

    it('sends an operator whose passkey sign-in is older than CONSOLE_MAX_AGE_SECONDS to sign in again', async () => {
      let signIn: string;
      offset += 31 * 60_000;
      try {
        const stale = await sessionCall(tobira.issuer, admin.browser, 'GET', '/admin/api/operators');
        assert.equal(stale.status, 401);
        assert.equal((await latest('admin.unauthorized'))?.details.reason, 'console_stale');
        const redirect = await admin.browser.request(`${tobira.issuer}/console/operators`);
        assert.equal(redirect.status, 303);
        signIn = redirect.headers.get('location') ?? '';
        assert.equal(new URL(signIn).searchParams.get('login_hint'), admin.email);
      } finally {
        // oidc-provider dates the new sign-in by the real clock: tobira's goes back to it too.
        offset -= 31 * 60_000;
      }
      const back = await openConsole(tobira.issuer, admin.browser, admin.key, signIn);
      assert.equal(back.status, 200);
      assert.equal(new URL(back.url).pathname, '/console/operators', 'back where the operator was going');
    });

    it('accepts a personal token within its scopes, audits with its account, and refuses it outside them', async () => {
      const token = await consoleToken(admin, ['clients']);
      assert.match(token, /^tobira_op_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
      const stored = (await store.operatorTokens.listByAccount(admin.accountId))[0];
      assert.ok(stored);
      assert.ok(!JSON.stringify(stored).includes(token.split('.')[1] ?? 'x'), 'only a hash of the secret is kept');
      assert.equal((await latest('operator.token_created'))?.actor, actorOf(admin));

      const list = await adminCall(tobira.issuer, 'GET', '/admin/api/clients', { token });
      assert.equal(list.status, 200);
      const created = await adminCall(tobira.issuer, 'POST', '/admin/api/clients', { token, body: { operator: 'mallory', metadata: { client_id: 'token-made', client_name: 'Token made', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] } } });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      assert.equal((await latest('client.created'))?.actor, actorOf(admin), 'the body\'s operator name is ignored');

      for (const path of ['/admin/api/recovery-requests', '/admin/api/operators']) {
        const refused = await adminCall(tobira.issuer, 'GET', path, { token, headers: { 'accept-language': 'en' } });
        assert.equal(refused.status, 403, path);
        assert.equal(refused.json.error, 'operator_forbidden');
      }
      assert.equal((await latest('admin.forbidden'))?.actor, actorOf(admin));

      const cli = await runCli(['clients', 'list'], { TOBIRA_OPERATOR_TOKEN: token, ADMIN_TOKEN, TOBIRA_URL: tobira.issuer });
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /token-made/);
    });

    it('refuses a revoked, an expired, a forged and a malformed personal token', async () => {
      const revoked = await consoleToken(admin, ['clients'], 1, 'to revoke');
      const id = /^tobira_op_([^.]+)\./.exec(revoked)?.[1] ?? '';
      const page = await openConsole(tobira.issuer, admin.browser, admin.key, '/console/tokens');
      const done = await admin.browser.submit(page, `/console/tokens/${id}/revoke`, {});
      assert.match(done.body, /id="notice"/);
      assert.match(done.body, new RegExp(`data-token-id="${id}" data-state="revoked"`));
      assert.equal((await latest('operator.token_revoked'))?.details.tokenId, id);

      const expiring = await consoleToken(admin, ['clients'], 1, 'short');
      assert.equal((await adminCall(tobira.issuer, 'GET', '/admin/api/clients', { token: expiring })).status, 200);
      const forged = `${expiring.slice(0, -4)}AAAA`;
      const cases: Array<[string, string]> = [[revoked, 'revoked_token'], [forged, 'wrong_secret'], ['tobira_op_nope', 'unknown_token'], [`tobira_op_${'A'.repeat(16)}.${'B'.repeat(43)}`, 'unknown_token']];
      for (const [token, reason] of cases) {
        const answer = await adminCall(tobira.issuer, 'GET', '/admin/api/clients', { token });
        assert.equal(answer.status, 401, reason);
        assert.equal(answer.json.error, 'admin_unauthorized');
        assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="tobira-admin", error="invalid_token"');
        const event = await latest('admin.unauthorized');
        assert.equal(event?.details.reason, reason);
        assert.ok(!JSON.stringify(event).includes(token.slice(10)), 'never the presented token in the audit');
      }
      offset += DAY_MS + 1000;
      try {
        const expired = await adminCall(tobira.issuer, 'GET', '/admin/api/clients', { token: expiring });
        assert.equal(expired.status, 401);
        assert.equal((await latest('admin.unauthorized'))?.details.reason, 'expired_token');
      } finally {
        offset -= DAY_MS + 1000;
      }
    });

    it('keeps an operator to its role: no admin scopes on its tokens or pages, and a role taken away ends its tokens', async () => {
      const op = await passkeyMember(tobira.issuer, config, email('operator'), store, 'operator');
      const tokens = await openConsole(tobira.issuer, op.browser, op.key, '/console/tokens');
      assert.equal(tokens.status, 200);
      assert.ok(!tokens.body.includes('value="clients"'), 'the form offers only the role\'s scopes');
      const form = new URLSearchParams({ _csrf: consoleCsrf(tokens), name: 'too much', days: '1', scopes: 'clients' });
      const refused = await op.browser.request(`${tobira.issuer}/console/tokens`, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(refused.status, 400);
      assert.match(refused.body, /data-code="operator_token_scope"/);
      assert.match(refused.body, /aria-describedby="scopes-error"/);
      assert.deepEqual(await store.operatorTokens.listByAccount(op.accountId), [], 'nothing stored');

      for (const path of ['/console/partners', '/console/operators']) {
        const page = await op.browser.request(`${tobira.issuer}${path}`);
        assert.equal(page.status, 403, path);
      }
      const nav = await openConsole(tobira.issuer, op.browser, op.key);
      assert.ok(!nav.body.includes('href="/console/partners"'), 'the nav offers only what the role reaches');
      assert.equal((await sessionCall(tobira.issuer, op.browser, 'GET', '/admin/api/clients')).status, 403);
      assert.equal((await sessionCall(tobira.issuer, op.browser, 'GET', '/admin/api/recovery-requests')).status, 200);

      const token = await consoleToken(op, ['recovery']);
      assert.equal((await adminCall(tobira.issuer, 'GET', '/admin/api/recovery-requests', { token })).status, 200);
      const home = await openConsole(tobira.issuer, admin.browser, admin.key, '/console/operators');
      const revoked = await admin.browser.submit(home, '/console/operators/revoke', { email: op.email });
      assert.equal(revoked.status, 200);
      assert.match(revoked.body, /id="notice"/);
      assert.equal(await store.operatorGrants.find(op.accountId), undefined);
      assert.equal((await latest('operator.revoked'))?.actor, actorOf(admin));
      const after = await adminCall(tobira.issuer, 'GET', '/admin/api/recovery-requests', { token });
      assert.equal(after.status, 401);
      assert.equal((await latest('admin.unauthorized'))?.details.reason, 'revoked_token');
      assert.equal((await openConsole(tobira.issuer, op.browser)).status, 403, 'the console refuses the account now');
    });

    it('never removes the last admin, and refuses unknown accounts and bad roles with clear errors', async () => {
      const home = await openConsole(tobira.issuer, admin.browser, admin.key);
      const csrf = consoleCsrf(home);
      const last = await sessionCall(tobira.issuer, admin.browser, 'POST', '/admin/api/operators/revoke', { email: admin.email }, csrf);
      assert.equal(last.status, 409);
      assert.equal(last.json.error, 'operator_last_admin');
      const demote = await sessionCall(tobira.issuer, admin.browser, 'POST', '/admin/api/operators', { email: admin.email, role: 'operator' }, csrf);
      assert.equal(demote.json.error, 'operator_last_admin');
      assert.equal((await store.operatorGrants.find(admin.accountId))?.role, 'admin');
      const unknown = await sessionCall(tobira.issuer, admin.browser, 'POST', '/admin/api/operators', { email: email('nobody'), role: 'operator' }, csrf);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error, 'operator_account_not_found');
      for (const body of [{ email: admin.email, role: 'root' }, { email: 'not an address', role: 'operator' }, { role: 'admin' }]) {
        const bad = await sessionCall(tobira.issuer, admin.browser, 'POST', '/admin/api/operators', body, csrf);
        assert.equal(bad.status, 400, JSON.stringify(body));
        assert.equal(bad.json.error, 'invalid_input');
      }
      // The console form shows the refusal on the e-mail field.
      const page = await openConsole(tobira.issuer, admin.browser, admin.key, '/console/operators');
      const refused = await admin.browser.submit(page, '/console/operators', { email: email('nobody'), role: 'operator' });
      assert.equal(refused.status, 404);
      assert.match(refused.body, /id="email"[^>]*aria-invalid="true" aria-describedby="email-error"/);
      assert.match(refused.body, /id="email-error"[^>]*data-code="operator_account_not_found"/);
    });
  });
}
