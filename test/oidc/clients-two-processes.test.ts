// Clients registered through the operator API reach every process without a restart: two tobira
// processes on one mongo database, a partner created through A signs users in through B at once
// (oidc-provider reads stored clients from the store on each lookup), B's own pages name it, and a
// partner disabled through B is refused by A on the next request.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { HttpBrowser } from '../support/http-browser.ts';
import { mongoTestUri, uniqueDbName } from '../support/mongo.ts';
import { discover, partnerClient, PARTNER_CALLBACK, passwordSignUp, redeem, startAuthorization } from '../support/partner.ts';
import { freePort } from '../support/ports.ts';
import { startMain, type RunningProcess } from '../support/processes.ts';
import { ADMIN_TOKEN } from '../support/recovery-harness.ts';
import { USES_MONGO } from '../support/stores.ts';
import { defaultSmtpUrl } from '../support/tobira.ts';

async function adminOn(base: string, method: string, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() as Record<string, unknown> };
}

if (USES_MONGO) describe('clients changed through one process reach the other without a restart', function () {
  this.timeout(60_000);
  let a: RunningProcess;
  let b: RunningProcess;
  let issuer: string;
  let baseB: string;
  let portB: number;
  const toB = (url: URL): URL => {
    const routed = new URL(url);
    routed.port = String(portB);
    return routed;
  };

  before(async () => {
    const [portA, pB] = await Promise.all([freePort(), freePort()]);
    portB = pB;
    issuer = `http://localhost:${portA}`;
    baseB = `http://localhost:${portB}`;
    const common = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ISSUER: issuer,
      DEMO: 'false',
      MONGODB_URI: await mongoTestUri(uniqueDbName('clients-two-processes')),
      CLIENTS_FILE: '',
      ADMIN_TOKEN,
      CLIENTS_REFRESH_SECONDS: '1',
      SMTP_URL: await defaultSmtpUrl(),
    };
    [a, b] = await Promise.all([startMain({ ...common, PORT: String(portA) }), startMain({ ...common, PORT: String(portB) })]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('a partner created through A signs a user in through B at once; disabled through B, A refuses it', async () => {
    const metadata = partnerClient({ client_id: 'made-on-a', client_name: 'Made On A Shop', client_secret: undefined });
    const created = await adminOn(issuer, 'POST', '/admin/api/clients', { operator: 'alice', metadata });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const secret = created.json.clientSecret as string;

    // Through B only, right away: discovery, authorization, sign-up, consent, token.
    const configB = await discover(issuer, 'made-on-a', secret, toB);
    const browser = new HttpBrowser();
    browser.route = toB;
    const pending = await startAuthorization(configB);
    const login = await browser.follow(pending.url.href);
    assert.match(login.url, /\/interaction\//, login.body.slice(0, 500));
    const consent = await passwordSignUp(browser, login, 'across.clients@example.com');
    assert.match(consent.body, /Made On A Shop/, 'B\'s own pages know the partner by its registered name');
    const callback = await browser.submit(consent, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
    assert.ok(callback.url.startsWith(PARTNER_CALLBACK), callback.url);
    const tokens = await redeem(configB, pending, callback.url);
    assert.ok(tokens.claims()?.sub);

    // Disabled through B: A refuses the very next requests, at the token endpoint and at authorization.
    const disabled = await adminOn(baseB, 'POST', '/admin/api/clients/made-on-a/disable', { operator: 'bob' });
    assert.equal(disabled.status, 200, JSON.stringify(disabled.json));
    const configA = await discover(issuer, 'made-on-a', secret);
    await assert.rejects(oidc.tokenIntrospection(configA, tokens.access_token), (err: unknown) => (err as oidc.ResponseBodyError).error === 'invalid_client');
    const refused = await new HttpBrowser().follow((await startAuthorization(configA)).url.href);
    assert.equal(refused.status, 400);
    assert.match(refused.body, /invalid_client|client is invalid/i);

    // Enabled again through A: B serves it again.
    assert.equal((await adminOn(issuer, 'POST', '/admin/api/clients/made-on-a/enable', { operator: 'alice' })).status, 200);
    const answer = await oidc.tokenIntrospection(configB, tokens.access_token);
    assert.equal(answer.active, true);
  });
});
