// The operator API's gate with the bootstrap token (audited refusals; without ADMIN_TOKEN only
// personal tokens and the console's session open it), its list filters, and the operator CLI run as
// a child process against a real tobira. Before any admin exists ADMIN_TOKEN acts as
// operator:bootstrap-token (test/operators/ covers operators, personal tokens and the console).
import assert from 'node:assert/strict';
import type { RecoveryRequest, Store } from '../../src/store/types.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, partnerClient, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { adminCall, ADMIN_TOKEN, fileRecoveryRequest, mailText, runCli } from '../support/recovery-harness.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

const LIST = '/admin/api/recovery-requests';

for (const kind of FEATURE_STORES) {
  describe(`operator API and CLI (${kind} store)`, function () {
    this.timeout(60_000);
    let store: Store;
    let tobira: RunningTobira;
    let smtp: SmtpSink;
    let userBrowser: HttpBrowser;
    const email = `operator-test.${kind}@example.com`;
    const contactEmail = `operator-test.home.${kind}@example.net`;

    before(async () => {
      smtp = new SmtpSink();
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()], env: { SMTP_URL: await smtp.start(), ADMIN_TOKEN } });
      // A signed-in user, whose cookies must open nothing here.
      const config = await discover(tobira.issuer);
      userBrowser = new HttpBrowser();
      const pending = await startAuthorization(config);
      await redeem(config, pending, (await signUpAndConsent(userBrowser, pending, email)).url);
      // A password sign-up's address is unverified: recovery links go to the verified contact.
      const account = await store.accounts.findByEmail(email);
      assert.ok(account);
      const at = new Date();
      await store.accounts.setContact(account.id, 'email', { value: contactEmail, verifiedAt: at }, at);
    });
    after(async () => {
      await tobira?.close();
      await store?.close();
      await smtp?.stop();
    });

    const cliEnv = (token = ADMIN_TOKEN): Record<string, string> => ({ ADMIN_TOKEN: token, TOBIRA_URL: tobira.issuer });
    const unauthorised = async () => store.audit.list({ type: 'admin.unauthorized', limit: 100 });
    const snapshot = async () => JSON.stringify(await store.recoveryRequests.list({ limit: 100 }));

    async function newRequest(accountId = email, headers?: Record<string, string>): Promise<RecoveryRequest> {
      const before = new Set((await store.recoveryRequests.list({ limit: 100 })).map((r) => r.id));
      assert.equal((await fileRecoveryRequest(tobira.issuer, { accountId, contactEmail: 'me@example.org', message: 'phone gone' }, headers ? { headers } : {})).status, 303);
      const created = (await store.recoveryRequests.list({ limit: 100 })).find((r) => !before.has(r.id));
      assert.ok(created);
      return created;
    }

    it('refuses a missing, malformed or wrong token with 401 and a Bearer challenge, audits it without the token, and changes nothing', async () => {
      const request = await newRequest(`token-test.${kind}@example.com`);
      const before = await snapshot();
      const auditBefore = (await unauthorised()).length;
      const wrongToken = `${ADMIN_TOKEN.slice(0, -1)}X`;
      const attempts: Array<[Record<string, string>, string, string]> = [
        [{}, 'missing_token', 'Bearer realm="tobira-admin"'],
        [{ authorization: `Bearer ${wrongToken}` }, 'wrong_token', 'Bearer realm="tobira-admin", error="invalid_token"'],
        [{ authorization: `Bearer ${ADMIN_TOKEN.slice(0, 32)}` }, 'wrong_token', 'Bearer realm="tobira-admin", error="invalid_token"'],
        [{ authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }, 'malformed_header', 'Bearer realm="tobira-admin", error="invalid_token"'],
        [{ authorization: 'Bearer' }, 'malformed_header', 'Bearer realm="tobira-admin", error="invalid_token"'],
      ];
      for (const [headers, reason, challenge] of attempts) {
        for (const [method, path, body] of [['GET', LIST, undefined], ['GET', `${LIST}/${request.id}`, undefined], ['POST', `${LIST}/${request.id}/approve`, { operator: 'mallory' }], ['POST', `${LIST}/${request.id}/reject`, { operator: 'mallory', reason: 'x' }], ['POST', `${LIST}/${request.id}/complete`, { operator: 'mallory' }], ['GET', '/admin/api/no-such-thing', undefined]] as const) {
          const answer = await adminCall(tobira.issuer, method, path, { token: null, headers, ...(body ? { body } : {}) });
          assert.equal(answer.status, 401, `${method} ${path} with ${JSON.stringify(headers)}`);
          assert.equal(answer.json.error, 'admin_unauthorized');
          assert.equal(answer.headers.get('www-authenticate'), challenge);
          assert.equal(answer.headers.get('cache-control'), 'no-store');
        }
        const [latest] = await unauthorised();
        assert.equal(latest?.details.reason, reason);
        assert.equal(latest?.actor, 'anonymous');
      }
      const events = (await unauthorised()).slice(0, (await unauthorised()).length - auditBefore);
      assert.equal(events.length, attempts.length * 6);
      assert.ok(events.every((e) => !JSON.stringify(e).includes(ADMIN_TOKEN.slice(0, 32))), 'no token, right or wrong, in the audit');
      assert.equal(await snapshot(), before);
      assert.equal(smtp.messages.filter((m) => mailText(m.raw).includes('/enrol/')).length, 0);
    });

    it('gives a signed-in user\'s session cookies no access', async () => {
      const menu = await userBrowser.request(`${tobira.issuer}/account`);
      assert.equal(menu.status, 200, 'the user is signed in');
      for (const accept of ['application/json', 'text/html']) {
        const page = await userBrowser.request(`${tobira.issuer}${LIST}`, { headers: { accept } });
        assert.equal(page.status, 401);
        assert.equal((JSON.parse(page.body) as { error: string }).error, 'admin_unauthorized', 'JSON whatever the client accepts');
      }
    });

    it('lists requests by status and limit, refuses bad filters, and answers JSON for unknown paths', async () => {
      const first = await newRequest();
      const second = await newRequest(`unknown.${kind}@example.com`);
      const all = await adminCall(tobira.issuer, 'GET', LIST);
      assert.equal(all.status, 200);
      const ids = (all.json.requests as RecoveryRequest[]).map((r) => r.id);
      assert.equal(ids[0], second.id, 'newest first');
      assert.ok(ids.includes(first.id));
      const one = await adminCall(tobira.issuer, 'GET', `${LIST}?status=pending&limit=1`);
      assert.deepEqual((one.json.requests as RecoveryRequest[]).map((r) => r.id), [second.id]);
      const none = await adminCall(tobira.issuer, 'GET', `${LIST}?status=completed`);
      assert.deepEqual(none.json.requests, []);
      for (const query of ['status=lost', 'limit=0', 'limit=501', 'limit=ten']) {
        const bad = await adminCall(tobira.issuer, 'GET', `${LIST}?${query}`);
        assert.equal(bad.status, 400, query);
        assert.equal(bad.json.error, 'invalid_input');
      }
      const unknownPath = await adminCall(tobira.issuer, 'GET', '/admin/api/nothing-here', { headers: { accept: 'text/html' } });
      assert.equal(unknownPath.status, 404);
      assert.equal(unknownPath.json.error, 'not_found');
      const shown = await adminCall(tobira.issuer, 'GET', `${LIST}/${second.id}`);
      assert.equal(shown.json.account, null, 'an unknown account ID has no account');
      assert.deepEqual(shown.json.contacts, { email: 'no_verified_contact', mobile: 'not_given' });
      assert.equal((await store.audit.list({ type: 'recovery.viewed', limit: 1 }))[0]?.actor, 'operator:bootstrap-token');
    });

    it('the CLI lists, shows, approves and rejects through the API', async () => {
      const toApprove = await newRequest();
      const toReject = await newRequest(`stranger.${kind}@example.com`);
      const list = await runCli(['recovery', 'list', '--status', 'pending'], cliEnv());
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^ID\s+STATUS\s+FILED\s+ACCOUNT ID$/m);
      assert.match(list.stdout, new RegExp(`^${toApprove.id}\\s+pending\\s+\\S+\\s+${email.replace(/\./g, '\\.')}$`, 'm'));
      assert.match(list.stdout, new RegExp(`${toReject.id}.*stranger\\.${kind}@example\\.com \\(no such account\\)`));
      const listJson = await runCli(['recovery', 'list', '--json'], cliEnv());
      assert.deepEqual((JSON.parse(listJson.stdout) as { requests: RecoveryRequest[] }).requests.map((r) => r.id), ((await adminCall(tobira.issuer, 'GET', LIST)).json.requests as RecoveryRequest[]).map((r) => r.id));

      const show = await runCli(['recovery', 'show', toApprove.id, '--operator', 'tanaka'], cliEnv());
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, /status:\s+pending/);
      assert.match(show.stdout, /account:\s+\S+ operator-test/);
      assert.match(show.stdout, /match:\s+e-mail mismatch, mobile not_given/);
      assert.match(show.stdout, /recent events:\n.*recovery\./);

      const approve = await runCli(['recovery', 'approve', toApprove.id, '--operator', 'tanaka', '--note', 'ID checked by phone'], cliEnv());
      assert.equal(approve.code, 0, approve.stderr);
      assert.equal(approve.stdout.trim(), `approved ${toApprove.id}: enrolment link e-mailed to ${contactEmail}`);
      // --operator is accepted and ignored: who acted is who the token belongs to.
      assert.equal((await store.recoveryRequests.findById(toApprove.id))?.decidedBy, 'operator:bootstrap-token');
      assert.ok(smtp.messages.some((m) => m.to.includes(contactEmail) && mailText(m.raw).includes(`${tobira.issuer}/enrol/`)), 'the link was mailed before the CLI returned');

      const reject = await runCli(['recovery', 'reject', toReject.id, '--operator', 'tanaka', '--reason', 'no such account'], cliEnv());
      assert.equal(reject.code, 0, reject.stderr);
      assert.equal(reject.stdout.trim(), `rejected ${toReject.id}`);
      const [event] = await store.audit.list({ type: 'recovery.rejected', limit: 1 });
      assert.equal(event?.actor, 'operator:bootstrap-token');
    });

    it('the CLI exits non-zero with a clear message on every refusal, changing nothing', async () => {
      const request = await newRequest(`refusals.${kind}@example.com`);
      const [decided] = await store.recoveryRequests.list({ status: 'approved', limit: 1 });
      assert.ok(decided);
      const before = await snapshot();
      const cases: Array<[string[], Record<string, string>, number, RegExp]> = [
        [['recovery', 'approve', request.id, '--operator', 'x'], cliEnv('a-wrong-token-that-is-long-enough-000000'), 1, /^error: The operator API needs "Authorization: Bearer <token>" with a valid personal token .*\(HTTP 401, admin_unauthorized\)$/m],
        [['recovery', 'list'], cliEnv('a-wrong-token-that-is-long-enough-000000'), 1, /HTTP 401, admin_unauthorized/],
        [['recovery', 'approve', 'AAAAAAAAAAAAAAAAAAAAAA', '--operator', 'x'], cliEnv(), 1, /There is no recovery request with this id\. \(HTTP 404, recovery_request_not_found\)/],
        [['recovery', 'approve', decided.id, '--operator', 'x'], cliEnv(), 1, /no longer pending \(it is approved\)\. \(HTTP 409, recovery_request_decided\)/],
        [['recovery', 'approve', request.id], cliEnv(), 1, /names no existing account.*\(HTTP 409, recovery_account_unknown\)/],
        [['recovery', 'reject', request.id, '--operator', 'x'], cliEnv(), 2, /"reject" needs --reason <text>/],
        [['recovery', 'show'], cliEnv(), 2, /"show" needs a request id/],
        [['recovery', 'complete', request.id, '--operator', 'x'], cliEnv(), 1, /Only an approved request whose enrolment link was used can be completed \(this one is pending\)\. \(HTTP 409, recovery_not_completable\)/],
        [['recovery', 'explode'], cliEnv(), 2, /unknown command "explode"/],
        [['users', 'list'], cliEnv(), 2, /the areas are "recovery", "clients", "operators", "keys", "accounts" and "audit"/],
        [['recovery', 'list', '--colour'], cliEnv(), 2, /Unknown option '--colour'/],
        [['recovery', 'list'], { TOBIRA_URL: tobira.issuer }, 2, /set TOBIRA_OPERATOR_TOKEN/],
        [['recovery', 'list'], { ADMIN_TOKEN, TOBIRA_URL: 'http://127.0.0.1:9' }, 1, /cannot reach tobira at http:\/\/127\.0\.0\.1:9/],
      ];
      for (const [args, env, code, message] of cases) {
        const run = await runCli(args, env);
        assert.equal(run.code, code, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
        assert.match(run.stderr, message);
      }
      assert.equal(await snapshot(), before);
    });

    it('the CLI shows control characters from a requester as visible escapes, so they cannot redraw the terminal', async () => {
      // The form refuses control characters, but a browser's User-Agent may carry C1 controls, and
      // requests stored before that check may hold anything.
      const fromForm = await newRequest(`escapes.${kind}@example.com`, { 'user-agent': 'Mozilla/5.0 \u009b2K\u009b1Averified: yes' });
      assert.match(fromForm.userAgent ?? '', /\u009b/);
      const stored: RecoveryRequest = {
        ...fromForm,
        id: 'stored-with-escapes-0001',
        accountHint: `old\u001b[31m.${kind}@example.com`,
        contactEmail: 'a\u0007@example.org',
        message: 'Lost it.\r\u001b[2K\u001b[1Amatch:       e-mail match, mobile match\nsecond line\ttab \u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\ \u202eevil\u202c \u0085 \u007f',
        createdAt: new Date(),
      };
      await store.recoveryRequests.create(stored);
      // Control characters but the line feed, DEL, C1 controls, bidirectional controls.
      const raw = (text: string): string | undefined => [...text].find((char) => {
        const code = char.codePointAt(0) ?? 0;
        return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
      });
      for (const args of [['recovery', 'list'], ['recovery', 'show', stored.id], ['recovery', 'show', fromForm.id], ['recovery', 'show', stored.id, '--json'], ['recovery', 'list', '--json']]) {
        const run = await runCli(args, cliEnv());
        assert.equal(run.code, 0, run.stderr);
        assert.equal(raw(run.stdout), undefined, `${args.join(' ')} printed a control character:\n${JSON.stringify(run.stdout)}`);
        if (args.includes('--json')) JSON.parse(run.stdout);
      }
      const list = await runCli(['recovery', 'list'], cliEnv());
      assert.match(list.stdout, /old\\x1b\[31m\./);
      const shown = await runCli(['recovery', 'show', stored.id], cliEnv());
      assert.ok(shown.stdout.includes('Lost it.\\r\\x1b[2K\\x1b[1Amatch:       e-mail match, mobile match'), shown.stdout);
      assert.ok(shown.stdout.includes('second line\\ttab \\x1b]8;;https://evil.example/\\x1b\\link'), shown.stdout);
      assert.ok(shown.stdout.includes('\\u202eevil\\u202c \\x85 \\x7f'), shown.stdout);
      assert.match(shown.stdout, /contacts:\s+e-mail a\\x07@example\.org/);
      // The message's own lines stay lines, each marked as the requester's.
      assert.match(shown.stdout, /^message:\s+\| Lost it\./m);
      assert.match(shown.stdout, /^\s+\| second line/m);
      const agent = await runCli(['recovery', 'show', fromForm.id], cliEnv());
      assert.ok(agent.stdout.includes('(Mozilla/5.0 \\x9b2K\\x9b1Averified: yes)'), agent.stdout);
    });
  });

  describe(`operator API without ADMIN_TOKEN (${kind} store)`, function () {
    let tobira: RunningTobira;

    before(async () => {
      tobira = await startTobira({ store: kind });
    });
    after(async () => {
      await tobira?.close();
    });

    it('refuses every bearer token but a personal one, audits it, and the CLI says so', async () => {
      for (const token of [null, ADMIN_TOKEN]) {
        for (const [method, path] of [['GET', LIST], ['POST', `${LIST}/x/approve`], ['GET', '/admin/api']] as const) {
          const answer = await adminCall(tobira.issuer, method, path, { token, headers: { 'accept-language': 'en' }, ...(method === 'POST' ? { body: { note: 'x' } } : {}) });
          assert.equal(answer.status, 401);
          assert.equal(answer.json.error, 'admin_unauthorized');
        }
      }
      const reasons = (await tobira.store.audit.list({ type: 'admin.unauthorized', limit: 10 })).map((e) => e.details.reason);
      assert.deepEqual(reasons, ['wrong_token', 'wrong_token', 'wrong_token', 'missing_token', 'missing_token', 'missing_token']);
      const run = await runCli(['recovery', 'list'], { ADMIN_TOKEN, TOBIRA_URL: tobira.issuer });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /\(HTTP 401, admin_unauthorized\)/);
    });
  });
}
