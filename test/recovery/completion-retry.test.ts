// The clean-up after a recovery link was used must not stop half-way: each step runs even when an
// earlier one fails, the whole clean-up is tried twice, a final failure is audited loudly (the
// request stays approved), and an operator finishes it later through the API or the CLI, keeping
// the passkey the link registered. The failures are injected into the real store's phone
// repository (the one thing a test cannot make fail on demand otherwise).
import assert from 'node:assert/strict';
import type * as oidc from 'openid-client';
import { refreshTokenGrant, type ResponseBodyError } from 'openid-client';
import type { DeviceRepository, RecoveryRequest, Store } from '../../src/store/types.ts';
import { discover } from '../support/partner.ts';
import { harness, jsonOf, startPushTobira } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { adminCall, ADMIN_TOKEN, enrolmentLinkIn, enrolWithLink, fileRecoveryRequest, lostPhoneAccount, mailMatching, mailText, passkeySignIn, runCli, type LostPhoneAccount } from '../support/recovery-harness.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import type { RunningTobira } from '../support/tobira.ts';

const LIST = '/admin/api/recovery-requests';

interface Faults {
  /** How many of the next `devices.remove` calls fail. */
  deviceRemovals: number;
}

function bound<T extends object>(target: T, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

/** The real store, but `devices.remove` fails while `faults.deviceRemovals` says so. */
function withFaults(store: Store, faults: Faults): Store {
  const devices = new Proxy(store.devices, {
    get(target, prop): unknown {
      if (prop !== 'remove') return bound(target, prop);
      const remove: DeviceRepository['remove'] = async (accountId, id) => {
        if (faults.deviceRemovals > 0) {
          faults.deviceRemovals -= 1;
          throw new Error('injected failure: the phone could not be removed');
        }
        return target.remove(accountId, id);
      };
      return remove;
    },
  });
  return new Proxy(store, { get: (target, prop): unknown => (prop === 'devices' ? devices : bound(target, prop)) });
}

for (const kind of FEATURE_STORES) {
  describe(`a recovery clean-up that fails (${kind} store)`, function () {
    this.timeout(60_000);
    const faults: Faults = { deviceRemovals: 0 };
    let real: Store;
    let store: Store;
    let tobira: RunningTobira;
    let smtp: SmtpSink;
    let sms: SmsSink;
    let receiver: PushReceiver;
    let config: oidc.Configuration;
    const h = harness(() => tobira.issuer, () => receiver);

    before(async () => {
      smtp = new SmtpSink();
      sms = new SmsSink();
      receiver = new PushReceiver();
      const [smtpUrl, smsUrl] = await Promise.all([smtp.start(), sms.start(), receiver.start()]);
      real = await freshStore(kind);
      store = withFaults(real, faults);
      tobira = await startPushTobira(store, { SMTP_URL: smtpUrl, SMS_HOOK_URL: smsUrl, ADMIN_TOKEN });
      config = await discover(tobira.issuer);
    });
    afterEach(() => {
      faults.deviceRemovals = 0;
    });
    after(async () => {
      await tobira?.close();
      await real?.close();
      await Promise.all([smtp?.stop(), sms?.stop(), receiver?.stop()]);
    });

    const contactOf = (account: LostPhoneAccount): string => account.email.replace('@example.com', '@home.example.net');

    /** An account with a lost phone, a partner's refresh token and a trusted PC; its request approved, the link mailed. */
    async function approvedRecovery(label: string): Promise<{ account: LostPhoneAccount; request: RecoveryRequest; link: string }> {
      const account = await lostPhoneAccount(h, config, tobira.issuer, receiver, `${label}.${kind}@example.com`);
      const at = new Date();
      await store.accounts.setContact(account.accountId, 'email', { value: contactOf(account), verifiedAt: at }, at);
      assert.equal((await fileRecoveryRequest(tobira.issuer, { accountId: account.email, contactEmail: contactOf(account), message: 'Phone lost.' })).status, 303);
      const [request] = (await store.recoveryRequests.list({ status: 'pending', limit: 100 })).filter((r) => r.accountId === account.accountId);
      assert.ok(request);
      const mailsBefore = smtp.messages.length;
      const approved = await adminCall(tobira.issuer, 'POST', `${LIST}/${request.id}/approve`, { body: { operator: 'sato' } });
      assert.equal(approved.status, 200, JSON.stringify(approved.json));
      const link = enrolmentLinkIn(await mailMatching(smtp, contactOf(account), /\/enrol\//, mailsBefore), tobira.issuer);
      return { account, request, link };
    }

    const recoveredNotices = (address: string, since: number): number => smtp.messages.slice(since).filter((m) => m.to.includes(address)).map((m) => mailText(m.raw)).filter((text) => /Your tobira account was recovered/.test(text)).length;

    it('retries the whole clean-up once, so a step that fails once does not stop the recovery', async () => {
      const { account, request, link } = await approvedRecovery('once');
      const mailsBefore = smtp.messages.length;
      faults.deviceRemovals = 1;
      const newKey = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
      const done = await enrolWithLink(h, link, newKey);
      assert.equal(done.status, 200, done.body);
      assert.equal(faults.deviceRemovals, 0, 'the failure happened');

      assert.deepEqual(await store.devices.listByAccount(account.accountId), []);
      assert.deepEqual((await store.passkeys.listByAccount(account.accountId)).map((p) => p.credentialId), [newKey.credentialId]);
      assert.deepEqual(await store.oidc('Session').listByAccountId(account.accountId), []);
      assert.equal((await store.recoveryRequests.findById(request.id))?.status, 'completed');
      const [completed] = await store.audit.listByAccount(account.accountId, 1, ['recovery.completed']);
      assert.equal(completed?.details.attempts, 2);
      assert.equal(completed?.details.removedPhones, 1);
      assert.deepEqual(await store.audit.listByAccount(account.accountId, 10, ['recovery.completion_failed']), []);
      assert.equal(recoveredNotices(account.email, mailsBefore), 1);
    });

    it('runs every other step when one keeps failing, audits the failure, and an operator completes it later with the CLI, keeping the new passkey', async () => {
      const { account, request, link } = await approvedRecovery('stuck');
      const [lostPhone] = await store.devices.listByAccount(account.accountId);
      assert.ok(lostPhone);
      const mailsBefore = smtp.messages.length;
      faults.deviceRemovals = Number.POSITIVE_INFINITY;
      const newKey = new SoftAuthenticator({ alg: 'ES256', origin: tobira.issuer, rpId: 'localhost' });
      const done = await enrolWithLink(h, link, newKey);
      assert.equal(done.status, 200, 'the user has the new passkey; the clean-up is the operator\'s now');
      assert.equal(jsonOf(done).credentialId, newKey.credentialId);

      // Every step but the failing one ran.
      assert.deepEqual((await store.devices.listByAccount(account.accountId)).map((d) => d.id), [lostPhone.id], 'the phone could not be removed');
      assert.deepEqual((await store.passkeys.listByAccount(account.accountId)).map((p) => p.credentialId), [newKey.credentialId], 'its passkey is gone all the same');
      assert.deepEqual(await store.oidc('Session').listByAccountId(account.accountId), []);
      assert.deepEqual(await store.oidc('RefreshToken').listByAccountId(account.accountId), []);
      assert.deepEqual(await store.trustedBrowsers.listByAccount(account.accountId), []);
      await assert.rejects(refreshTokenGrant(config, account.refreshToken), (err: ResponseBodyError) => err.error === 'invalid_grant');
      assert.equal((await store.accounts.findById(account.accountId))?.passwordHash, null);
      // ... but the recovery is not done: the request stays approved, the failure is audited, nobody is told "recovered".
      assert.equal((await store.recoveryRequests.findById(request.id))?.status, 'approved');
      const [failed] = await store.audit.listByAccount(account.accountId, 1, ['recovery.completion_failed']);
      assert.ok(failed, 'recovery.completion_failed is audited');
      assert.equal(failed.details.requestId, request.id);
      assert.equal(failed.details.credentialId, newKey.credentialId);
      assert.equal(failed.details.attempts, 2);
      assert.deepEqual(failed.details.failedSteps, ['phones']);
      assert.match(JSON.stringify(failed.details.errors), /phone could not be removed/);
      assert.deepEqual(await store.audit.listByAccount(account.accountId, 10, ['recovery.completed']), []);
      assert.equal(recoveredNotices(account.email, mailsBefore), 0);

      // The operator sees it, and is told what to run.
      const env = { ADMIN_TOKEN, TOBIRA_URL: tobira.issuer };
      const shown = await runCli(['recovery', 'show', request.id], env);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^clean-up:\s+FAILED at \S+ \(phones\); run: npm run admin -- recovery complete \S+$/m);

      // While the store still fails, the operator's attempt fails too, loudly, and changes nothing else.
      const again = await adminCall(tobira.issuer, 'POST', `${LIST}/${request.id}/complete`, { body: { operator: 'sato' }, headers: { 'accept-language': 'en' } });
      assert.equal(again.status, 500);
      assert.equal(again.json.error, 'recovery_completion_failed');
      assert.match(String(again.json.message), /clean-up .* failed again/);
      assert.equal((await store.recoveryRequests.findById(request.id))?.status, 'approved');
      const failures = await store.audit.listByAccount(account.accountId, 10, ['recovery.completion_failed']);
      assert.equal(failures.length, 2);
      // The bootstrap token acts (no admin exists here); the body's `operator` is ignored.
      assert.equal(failures[0]?.actor, 'operator:bootstrap-token');

      // Once the store works, the CLI finishes it.
      faults.deviceRemovals = 0;
      const completed = await runCli(['recovery', 'complete', request.id, '--operator', 'sato'], env);
      assert.equal(completed.code, 0, completed.stderr);
      assert.equal(completed.stdout.trim(), `completed ${request.id}: removed 1 phone(s), 0 passkey(s); revoked 0 session(s), 0 token(s), 0 trusted browser(s); no password`);
      assert.deepEqual(await store.devices.listByAccount(account.accountId), []);
      assert.deepEqual((await store.passkeys.listByAccount(account.accountId)).map((p) => p.credentialId), [newKey.credentialId], 'the link\'s passkey is kept');
      const finished = await store.recoveryRequests.findById(request.id);
      assert.equal(finished?.status, 'completed');
      assert.ok(finished?.completedAt);
      const [event] = await store.audit.listByAccount(account.accountId, 1, ['recovery.completed']);
      assert.equal(event?.actor, 'operator:bootstrap-token');
      assert.equal(event?.details.requestId, request.id);
      assert.equal(event?.details.credentialId, newKey.credentialId);
      assert.equal(event?.details.removedPhones, 1);
      await mailMatching(smtp, account.email, /Your tobira account was recovered/, mailsBefore);
      assert.equal((await passkeySignIn(h, config, newKey)).status, 200, 'the new passkey signs in');
      assert.equal((await passkeySignIn(h, config, account.phoneKey)).status, 400, 'the lost one does not');

      // Done is done.
      const twice = await adminCall(tobira.issuer, 'POST', `${LIST}/${request.id}/complete`, { body: { operator: 'sato' } });
      assert.equal(twice.status, 409);
      assert.equal(twice.json.error, 'recovery_not_completable');
    });

    it('refuses to complete a request that is not approved, whose link was not used, or that does not exist, changing nothing', async () => {
      const { request: approved } = await approvedRecovery('unused');
      const hint = `pending.${kind}@example.com`;
      assert.equal((await fileRecoveryRequest(tobira.issuer, { accountId: hint, contactEmail: 'c@example.org', message: 'Phone lost.' })).status, 303);
      const [pending] = (await store.recoveryRequests.list({ status: 'pending', limit: 100 })).filter((r) => r.accountHint === hint);
      assert.ok(pending);
      const snapshot = async (): Promise<string> => JSON.stringify(await store.recoveryRequests.list({ limit: 100 }));
      const before = await snapshot();
      const auditBefore = (await store.audit.list({ limit: 1000 })).filter((e) => e.type.startsWith('recovery.complet')).length;
      const refusals: Array<[string, unknown, number, string]> = [
        [`${LIST}/${pending.id}/complete`, { operator: 'sato' }, 409, 'recovery_not_completable'],
        [`${LIST}/${approved.id}/complete`, { operator: 'sato' }, 409, 'recovery_enrolment_not_used'],
        [`${LIST}/AAAAAAAAAAAAAAAAAAAAAA/complete`, { operator: 'sato' }, 404, 'recovery_request_not_found'],
      ];
      for (const [path, body, status, code] of refusals) {
        const answer = await adminCall(tobira.issuer, 'POST', path, { body });
        assert.equal(answer.status, status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.json)}`);
        assert.equal(answer.json.error, code);
        assert.equal(typeof answer.json.message, 'string');
      }
      assert.equal(await snapshot(), before);
      assert.equal((await store.audit.list({ limit: 1000 })).filter((e) => e.type.startsWith('recovery.complet')).length, auditBefore);
    });
  });
}
