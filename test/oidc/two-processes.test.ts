// Two tobira processes on one database, as behind a load balancer: state lives only in the store.
// Mongo by nature, so it runs whenever the run uses mongo (always, unless TOBIRA_TEST_STORES leaves it out).
import assert from 'node:assert/strict';
import { freePort } from '../support/ports.ts';
import * as oidc from 'openid-client';
import { HttpBrowser } from '../support/http-browser.ts';
import { mongoTestUri, uniqueDbName } from '../support/mongo.ts';
import { discover, partnerClient, PARTNER_CALLBACK, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { startMain, type RunningProcess } from '../support/processes.ts';
import { USES_MONGO } from '../support/stores.ts';
import { writeClientsFile } from '../support/tobira.ts';
import { harness, jsonOf } from '../support/push-harness.ts';
import { PushReceiver, testTls } from '../support/push-receiver.ts';

if (USES_MONGO) describe('two tobira processes on one mongo database', () => {
  let a: RunningProcess;
  let b: RunningProcess;
  let issuer: string;
  let portB: number;
  const receiver = new PushReceiver();
  const toB = (url: URL): URL => {
    const routed = new URL(url);
    routed.port = String(portB);
    return routed;
  };

  before(async () => {
    const [portA, pB] = await Promise.all([freePort(), freePort()]);
    portB = pB;
    issuer = `http://localhost:${portA}`;
    const common = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ISSUER: issuer,
      DEMO: 'false',
      MONGODB_URI: await mongoTestUri(uniqueDbName('two-processes')),
      CLIENTS_FILE: writeClientsFile([partnerClient()]),
      PUSH_ENDPOINT_HOSTS: '127.0.0.1',
      PUSH_CA_FILE: testTls().caFile,
    };
    await receiver.start();
    // Started together: both race to generate the signing and cookie keys, and must agree.
    [a, b] = await Promise.all([startMain({ ...common, PORT: String(portA) }), startMain({ ...common, PORT: String(portB) })]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop(), receiver.stop()]);
  });

  it('both processes publish the same signing keys', async () => {
    const jwksA = await (await fetch(`${issuer}/jwks`)).json();
    const jwksB = await (await fetch(toB(new URL(`${issuer}/jwks`)))).json();
    assert.deepEqual(jwksA, jwksB);
  });

  it('a login started on A finishes on B, and the code is redeemed on A', async () => {
    const configA = await discover(issuer);
    const browser = new HttpBrowser();
    const pending = await startAuthorization(configA);
    const login = await browser.follow(pending.url.href);
    assert.match(login.url, /\/interaction\//);

    browser.route = toB; // from here on, every request of this browser lands on process B
    const signup = await browser.follow(`${login.url}/signup/password`);
    const consent = await browser.submit(signup, '/signup/password', { name: 'Across', email: 'across@example.com', password: 'correct horse battery staple' }, PARTNER_CALLBACK);
    const callback = await browser.submit(consent, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
    assert.ok(callback.url.startsWith(PARTNER_CALLBACK));

    const tokens = await redeem(configA, pending, callback.url);
    assert.ok(tokens.claims()?.sub);
    const configB = await discover(issuer, undefined, undefined, toB);
    const userinfo = await oidc.fetchUserInfo(configB, tokens.access_token, tokens.claims()!.sub);
    assert.equal(userinfo.email, 'across@example.com');
  });

  it('a code raced on A and B at once is redeemed exactly once', async () => {
    const configA = await discover(issuer);
    const configB = await discover(issuer, undefined, undefined, toB);
    const browser = new HttpBrowser();
    const first = await startAuthorization(configA);
    await redeem(configA, first, (await signUpAndConsent(browser, first, 'racer@example.com')).url);

    for (let round = 0; round < 5; round += 1) {
      const pending = await startAuthorization(configA);
      const callback = await browser.follow(pending.url.href, {}, PARTNER_CALLBACK);
      const results = await Promise.allSettled([redeem(configA, pending, callback.url), redeem(configB, pending, callback.url)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, `round ${round}: exactly one redemption succeeds`);
      assert.equal((lost[0]?.reason as oidc.ResponseBodyError).error, 'invalid_grant');
    }
  });

  it('a push approval created on A is decided through B, and the waiting page on A completes', async () => {
    const configA = await discover(issuer);
    const h = harness(() => issuer, () => receiver);
    const phone = await h.phoneFor(configA, 'pushy@example.com');
    const pc = await h.pcRequests(configA, phone.email);
    const id = String(pc.started.approvalId);
    await receiver.waitFor((m) => (m.payload as { approvalId?: string }).approvalId === id);
    phone.browser.route = toB;
    assert.equal((await h.approveOn(phone, id, String(pc.started.number))).status, 200);
    assert.equal(await h.statusOn(pc, id), 'approved', 'process A sees what B decided');
    const done = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${id}/complete`, {}, pc.csrf);
    assert.equal(done.status, 200, done.body);
    assert.match(String(jsonOf(done).redirectTo), /\/auth\//);
  });
});
