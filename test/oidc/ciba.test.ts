// CIBA: a partner (openid-client) starts a backchannel sign-in with login_hint and a binding
// message; the phone (the /device API with a software authenticator) sees the message and the
// service's name and approves or denies; the partner gets tokens by polling, or after a ping.
// The ping endpoint is https (oidc-provider requires it) with the test CA, which `npm test` makes
// the test process trust through NODE_EXTRA_CA_CERTS.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, partnerClient, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { harness, jsonOf, type Phone } from '../support/push-harness.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

const CIBA = 'urn:openid:params:grant-type:ciba';
const SECRET = 'ciba-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

for (const kind of FEATURE_STORES) {
  describe(`CIBA backchannel sign-in approved on the phone (${kind} store)`, function () {
    this.timeout(40_000);
    let tobira: RunningTobira;
    let receiver: PushReceiver;
    let pingServer: Server;
    const pings: Array<{ authorization: string | undefined; body: string }> = [];
    let phone: Phone;
    const h = harness(() => tobira.issuer, () => receiver);

    before(async () => {
      receiver = new PushReceiver();
      await receiver.start();
      const tls = testTls();
      pingServer = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => { body += c.toString(); });
        req.on('end', () => { pings.push({ authorization: req.headers.authorization, body }); res.writeHead(204).end(); });
      });
      await new Promise<void>((resolve) => pingServer.listen(0, '127.0.0.1', resolve));
      const pingPort = (pingServer.address() as AddressInfo).port;
      const cibaClient = (id: string, mode: 'poll' | 'ping') => ({
        client_id: id,
        client_secret: SECRET,
        client_name: `TV app (${mode})`,
        grant_types: [CIBA],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        backchannel_token_delivery_mode: mode,
        ...(mode === 'ping' ? { backchannel_client_notification_endpoint: `https://127.0.0.1:${pingPort}/ciba` } : {}),
      });
      tobira = await startTobira({
        store: kind,
        clients: [partnerClient(), cibaClient('tv-poll', 'poll'), cibaClient('tv-ping', 'ping')],
        env: { PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUSH_CA_FILE: testTls().caFile, ALLOW_PRIVATE_NETWORK_CALLBACKS: 'true' },
      });
      phone = await h.phoneFor(await discover(tobira.issuer), `ciba.${kind}@example.com`);
    });
    after(async () => {
      await tobira?.close();
      await receiver?.stop();
      pingServer?.close();
    });

    /** The phone's pending request for this binding message, as the phone app lists it. */
    async function onPhone(bindingMessage: string): Promise<Record<string, unknown>> {
      await receiver.waitFor((m) => (m.payload as { client?: string }).client?.startsWith('TV app') === true);
      const list = jsonOf(await phone.browser.request(`${tobira.issuer}/device/api/approvals`, { headers: { accept: 'application/json' } })).approvals as Array<Record<string, unknown>>;
      const found = list.find((a) => (a.context as Record<string, string>).bindingMessage === bindingMessage);
      assert.ok(found, `the phone shows "${bindingMessage}"`);
      return found;
    }

    it('poll mode: the phone approves, the partner polls its tokens (acr push)', async () => {
      const config = await discover(tobira.issuer, 'tv-poll', SECRET);
      assert.ok(config.serverMetadata().backchannel_token_delivery_modes_supported?.includes('ping'));
      const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid email', login_hint: phone.email, binding_message: 'TV 4821' });
      const approval = await onPhone('TV 4821');
      assert.equal((approval.context as Record<string, string>).client, 'TV app (poll)');
      assert.equal(approval.matching, 'none');
      // Not yet approved: the partner is told to keep waiting.
      await assert.rejects(oidc.genericGrantRequest(config, CIBA, { auth_req_id: started.auth_req_id }), (err: oidc.ResponseBodyError) => err.error === 'authorization_pending');
      assert.equal((await h.approveOn(phone, String(approval.id), '')).status, 200);
      const tokens = await oidc.genericGrantRequest(config, CIBA, { auth_req_id: started.auth_req_id });
      const claims = tokens.claims();
      assert.equal(claims?.acr, 'urn:tobira:acr:push');
      assert.deepEqual(claims?.amr, ['mca', 'user', 'mfa']);
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims!.sub);
      assert.equal(userinfo.email, phone.email);
      // The auth_req_id is single-use.
      await assert.rejects(oidc.genericGrantRequest(config, CIBA, { auth_req_id: started.auth_req_id }), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
    });

    it('ping mode: the partner is pinged with its token, then collects the tokens', async () => {
      const config = await discover(tobira.issuer, 'tv-ping', SECRET);
      const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: phone.email, binding_message: 'テレビ 9090', client_notification_token: 'ping-token-0123456789' });
      const approval = await onPhone('テレビ 9090');
      const before = pings.length;
      assert.equal((await h.approveOn(phone, String(approval.id), '')).status, 200);
      for (let i = 0; i < 50 && pings.length === before; i += 1) await new Promise((r) => setTimeout(r, 100));
      const ping = pings.at(-1);
      assert.equal(ping?.authorization, 'Bearer ping-token-0123456789');
      assert.equal(JSON.parse(ping!.body).auth_req_id, started.auth_req_id);
      const tokens = await oidc.genericGrantRequest(config, CIBA, { auth_req_id: started.auth_req_id });
      assert.equal(tokens.claims()?.acr, 'urn:tobira:acr:push');
    });

    it('a denial reaches the partner as access_denied; unknown, phoneless and paused users get one and the same refusal', async () => {
      const config = await discover(tobira.issuer, 'tv-poll', SECRET);
      const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: phone.email, binding_message: 'TV 0001' });
      const approval = await onPhone('TV 0001');
      assert.equal((await h.postJson(phone.browser, `/device/api/approvals/${String(approval.id)}/deny`, { report: false }, phone.csrf)).status, 200);
      await assert.rejects(oidc.genericGrantRequest(config, CIBA, { auth_req_id: started.auth_req_id }), (err: oidc.ResponseBodyError) => err.error === 'access_denied');
      // Unknown, without a phone, or paused: one answer, so CIBA does not tell which addresses have accounts.
      const refusalFor = async (loginHint: string): Promise<[number, unknown]> => {
        try {
          await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: loginHint, binding_message: 'x' });
        } catch (err) {
          // The whole answer: status and body (never the reason, which goes to the process log).
          return [(err as oidc.ResponseBodyError).status, (err as oidc.ResponseBodyError).cause];
        }
        return [200, 'accepted'];
      };
      const noPhone = `nophone.${kind}@example.com`;
      const unknown = await refusalFor(`nobody.${kind}@example.com`);
      assert.deepEqual(unknown, [400, { error: 'access_denied', error_description: 'the user cannot be asked to approve a sign-in on a phone now' }]);
      const browser = new HttpBrowser();
      const partner = await discover(tobira.issuer);
      const signup = await startAuthorization(partner);
      await redeem(partner, signup, (await signUpAndConsent(browser, signup, noPhone)).url);
      assert.deepEqual(await refusalFor(noPhone), unknown);
      assert.deepEqual(await refusalFor(noPhone.toUpperCase()), unknown);
      await assert.rejects(oidc.initiateBackchannelAuthentication(config, { scope: 'openid', binding_message: 'x' }), (err: oidc.ResponseBodyError) => err.error === 'invalid_request');
      await assert.rejects(oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: phone.email, binding_message: '<script>\u0000' }), (err: oidc.ResponseBodyError) => err.error === 'invalid_binding_message');
      await assert.rejects(oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: phone.email, binding_message: 'x'.repeat(41) }), (err: oidc.ResponseBodyError) => err.error === 'invalid_binding_message');
      const wrongSecret = await discover(tobira.issuer, 'tv-poll', 'not-the-secret-not-the-secret-not-the-secret');
      await assert.rejects(oidc.initiateBackchannelAuthentication(wrongSecret, { scope: 'openid', login_hint: phone.email }), (err: oidc.ResponseBodyError) => err.error === 'invalid_client');

      // A disabled account is answered as nobody, and no push goes to its phone (nor does its phone's session count meanwhile).
      const account = await tobira.store.accounts.findByEmail(phone.email);
      assert.ok(account);
      const pushesBefore = receiver.messages.length;
      await tobira.store.accounts.setDisabled(account.id, { at: new Date(), by: 'operator:test', reason: 'test' }, new Date());
      assert.deepEqual(await refusalFor(phone.email), unknown);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(receiver.messages.length, pushesBefore, 'no request reached the phone');
      await tobira.store.accounts.setDisabled(account.id, null, new Date());

      // Last: "This wasn't me" pauses push sign-in for the account, and CIBA answers as for nobody.
      await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: phone.email, binding_message: 'TV 0002' });
      const reported = await onPhone('TV 0002');
      assert.equal((await h.postJson(phone.browser, `/device/api/approvals/${String(reported.id)}/deny`, { report: true }, phone.csrf)).status, 200);
      assert.deepEqual(await refusalFor(phone.email), unknown);
    });
  });
}
