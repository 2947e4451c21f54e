// A partner's back end gets a token for the partner's API with client_credentials: a JWT (RFC 9068)
// whose audience is that API (RFC 8707) and whose scopes the resources file allows it; the API
// checks it with tobira's published keys or by introspection. Played by openid-client and jose.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PARTNER_SECRET, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { loadInfrastructure } from '../../src/app/infrastructure.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { writeClientsFile } from '../support/tobira.ts';
import { readResourcesFile, resourceIdentifierProblem } from '../../src/resources/resources-file.ts';
import { PROJECT_ROOT } from '../../src/config/settings.ts';
import { API_ACCESS } from '../../src/resources/api-access.ts';
import { ADMIN_TOKEN } from '../support/recovery-harness.ts';
import { join, resolve } from 'node:path';

const ORDERS_API = 'https://orders.shop.example/';
const STOCK_API = 'https://stock.shop.example/';
const BACKEND_SECRET = 'backend-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const API_SECRET = 'orders-api-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

const backend = {
  client_id: 'shop-backend',
  client_secret: BACKEND_SECRET,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
};
// The orders API itself: it only introspects tokens issued for it.
const ordersApi = { ...backend, client_id: 'orders-api', client_secret: API_SECRET };

const resources = [
  { resource: ORDERS_API, name: 'Orders', scopes: ['orders:read', 'orders:write'], clients: { 'shop-backend': ['orders:read'] }, introspectedBy: ['orders-api'], accessTokenTtl: 300 },
  { resource: STOCK_API, name: 'Stock', scopes: ['stock:read'], clients: { 'partner-web': ['stock:read'] } },
];

function writeJson(value: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tobira-resources-')), 'resources.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

async function adminApi(issuer: string, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${issuer}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

/** The token endpoint's answer to a back end's raw request, for the refusals openid-client would throw on. */
async function tokenRequest(issuer: string, clientId: string, secret: string, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

for (const kind of FEATURE_STORES) {
  describe(`machine clients get tokens for partners' APIs (${kind} store)`, () => {
    let tobira: RunningTobira;
    let machine: oidc.Configuration;

    before(async () => {
      tobira = await startTobira({
        store: kind,
        clients: [partnerClient(), backend, ordersApi],
        env: { RESOURCES_FILE: writeJson(resources), ADMIN_TOKEN },
      });
      machine = await discover(tobira.issuer, 'shop-backend', BACKEND_SECRET);
    });
    after(() => tobira.close());

    it('issues a JWT access token for the API, audience-restricted, with the allowed scopes only', async () => {
      const tokens = await oidc.clientCredentialsGrant(machine, { scope: 'orders:read orders:write', resource: ORDERS_API });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.equal(tokens.scope, 'orders:read', 'orders:write is not allowed to this back end');
      assert.ok(tokens.expires_in !== undefined && tokens.expires_in <= 300);
      assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
      const keys = createRemoteJWKSet(new URL(`${tobira.issuer}/jwks`));
      const { payload } = await jwtVerify(tokens.access_token, keys, { issuer: tobira.issuer, audience: ORDERS_API, typ: 'at+jwt' });
      assert.equal(payload.client_id, 'shop-backend');
      assert.equal(payload.scope, 'orders:read');
      assert.equal(payload.sub, 'shop-backend', 'RFC 9068: a client\'s own token names the client as subject');
      await assert.rejects(jwtVerify(tokens.access_token, keys, { issuer: tobira.issuer, audience: STOCK_API }), 'worthless at another API');
    });

    it('names the only API a back end may use when it does not say', async () => {
      const tokens = await oidc.clientCredentialsGrant(machine, { scope: 'orders:read' });
      const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${tobira.issuer}/jwks`)), { audience: ORDERS_API });
      assert.equal(payload.scope, 'orders:read');
    });

    it('refuses an API the back end is not allowed, an unknown one, and a malformed indicator', async () => {
      for (const resource of [STOCK_API, 'https://unknown.example/', 'not a url', `${ORDERS_API}#frag`]) {
        const answer = await tokenRequest(tobira.issuer, 'shop-backend', BACKEND_SECRET, { grant_type: 'client_credentials', resource });
        assert.equal(answer.status, 400, resource);
        assert.equal(answer.body.error, 'invalid_target', resource);
      }
    });

    it('refuses client_credentials to a client registered without it, and a wrong secret', async () => {
      const partner = await tokenRequest(tobira.issuer, 'partner-web', PARTNER_SECRET, { grant_type: 'client_credentials', resource: STOCK_API });
      assert.equal(partner.status, 400);
      assert.match(String(partner.body.error_description), /grant type is not allowed for this client/);
      const wrong = await tokenRequest(tobira.issuer, 'shop-backend', `${BACKEND_SECRET}x`, { grant_type: 'client_credentials' });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error, 'invalid_client');
    });

    it('lets the back end and the API introspect the token, and no other partner', async () => {
      const tokens = await oidc.clientCredentialsGrant(machine, { scope: 'orders:read', resource: ORDERS_API });
      const byBackend = await oidc.tokenIntrospection(machine, tokens.access_token);
      assert.equal(byBackend.active, true);
      assert.equal(byBackend.aud, ORDERS_API);
      assert.equal(byBackend.scope, 'orders:read');
      const byApi = await oidc.tokenIntrospection(await discover(tobira.issuer, 'orders-api', API_SECRET), tokens.access_token);
      assert.equal(byApi.active, true);
      assert.equal(byApi.client_id, 'shop-backend');
      const byPartner = await oidc.tokenIntrospection(await discover(tobira.issuer), tokens.access_token);
      assert.equal(byPartner.active, false);
    });

    it('revokes the token for its own client only: introspection then says inactive', async () => {
      const tokens = await oidc.clientCredentialsGrant(machine, { scope: 'orders:read' });
      await oidc.tokenRevocation(await discover(tobira.issuer), tokens.access_token);
      assert.equal((await oidc.tokenIntrospection(machine, tokens.access_token)).active, true, 'another partner cannot revoke it');
      await oidc.tokenRevocation(machine, tokens.access_token);
      assert.equal((await oidc.tokenIntrospection(machine, tokens.access_token)).active, false);
    });

    it('says inactive for a JWT tobira did not sign, and for one signed by it but altered', async () => {
      const tokens = await oidc.clientCredentialsGrant(machine, { scope: 'orders:read' });
      const [header, payload, signature] = tokens.access_token.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
      const altered = `${header}.${Buffer.from(JSON.stringify({ ...claims, scope: 'orders:write' })).toString('base64url')}.${signature}`;
      assert.equal((await oidc.tokenIntrospection(machine, altered)).active, false);
      const foreign = `${header}.${payload}.${Buffer.alloc(256, 1).toString('base64url')}`;
      assert.equal((await oidc.tokenIntrospection(machine, foreign)).active, false);
    });

    it('refuses introspection of a JWT to a client with a wrong secret', async () => {
      const tokens = await oidc.clientCredentialsGrant(machine, { scope: 'orders:read' });
      const res = await fetch(`${tobira.issuer}/token/introspection`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`shop-backend:${BACKEND_SECRET}x`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: tokens.access_token }),
      });
      assert.equal(res.status, 401);
      const body = await res.json() as Record<string, unknown>;
      assert.equal(body.error, 'invalid_client');
      assert.equal(body.active, undefined, 'nothing about the token is told');
    });

    it('keeps a sign-in\'s access token opaque and good for userinfo, and refuses API tokens to sign-ins', async () => {
      const partner = await discover(tobira.issuer);
      const browser = new HttpBrowser();
      const pending = await startAuthorization(partner);
      const callback = await signUpAndConsent(browser, pending, 'machine-test@example.com');
      const tokens = await redeem(partner, pending, callback.url);
      assert.equal(tokens.access_token.split('.').length, 1, 'opaque, not a JWT');
      const info = await oidc.fetchUserInfo(partner, tokens.access_token, oidc.skipSubjectCheck);
      assert.equal(info.email, 'machine-test@example.com');
      const introspected = await oidc.tokenIntrospection(partner, tokens.access_token);
      assert.equal(introspected.active, true);

      const withResource = await startAuthorization(partner, { resource: STOCK_API, prompt: 'login' });
      const refused = await browser.follow(withResource.url.href, {}, PARTNER_CALLBACK);
      assert.equal(new URL(refused.url).searchParams.get('error'), 'invalid_target', refused.url);
    });

    it('serves API access set on a client registered through the operator API, without a restart, and refuses a wrong one', async () => {
      const registered = { ...backend, client_id: 'stock-sync', client_secret: undefined, [API_ACCESS]: { [STOCK_API]: ['stock:read'], [ORDERS_API]: ['orders:write'] } };
      const created = await adminApi(tobira.issuer, 'POST', '/admin/api/clients', { operator: 'alice', metadata: registered });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const stockSync = await discover(tobira.issuer, 'stock-sync', String(created.body.clientSecret));
      const stock = await oidc.clientCredentialsGrant(stockSync, { scope: 'stock:read', resource: STOCK_API });
      const { payload } = await jwtVerify(stock.access_token, createRemoteJWKSet(new URL(`${tobira.issuer}/jwks`)), { audience: STOCK_API });
      assert.equal(payload.scope, 'stock:read');
      // Only what its registration allows: orders:read is granted to shop-backend, not to it.
      const orders = await oidc.clientCredentialsGrant(stockSync, { scope: 'orders:read orders:write', resource: ORDERS_API });
      assert.equal(orders.scope, 'orders:write');
      const both = await tokenRequest(tobira.issuer, 'stock-sync', String(created.body.clientSecret), { grant_type: 'client_credentials' });
      assert.equal(both.body.error, 'invalid_target', 'allowed two APIs: it must name one');

      const before = JSON.stringify(await tobira.store.clients.list());
      for (const [access, message] of [
        [['https://orders.shop.example/'], /must be an object/],
        [{ 'https://unknown.example/': ['x'] }, /not an API of the resources file/],
        [{ [STOCK_API]: ['stock:write'] }, /scope "stock:write", which this API does not know/],
        [{ [STOCK_API]: 'stock:read' }, /must be a list of scopes/],
      ] as const) {
        const refused = await adminApi(tobira.issuer, 'POST', '/admin/api/clients', { operator: 'alice', metadata: { ...registered, client_id: 'stock-bad', [API_ACCESS]: access } });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.equal(refused.body.error, 'invalid_client_metadata');
        assert.match(String(refused.body.message), message);
      }
      assert.equal(JSON.stringify(await tobira.store.clients.list()), before, 'nothing stored');
    });
  });
}

describe('the resources file', () => {
  function infrastructureWith(resourcesValue: unknown, clients: unknown[] = [partnerClient(), backend]): Promise<unknown> {
    const settings = loadSettings({ NODE_ENV: 'test', CLIENTS_FILE: writeClientsFile(clients), RESOURCES_FILE: writeJson(resourcesValue) });
    return loadInfrastructure(settings, createMemoryStore());
  }

  const good = { resource: ORDERS_API, name: 'Orders', scopes: ['orders:read'], clients: { 'shop-backend': ['orders:read'] } };

  for (const [what, value, message] of [
    ['not an array', { resource: ORDERS_API }, /JSON array/],
    ['a client tobira does not serve', [{ ...good, clients: { 'shop-backnd': ['orders:read'] } }], /shop-backnd.*not a client tobira serves/],
    ['a scope the API does not have', [{ ...good, clients: { 'shop-backend': ['orders:delete'] } }], /orders:delete/],
    ['a fragment in the identifier', [{ ...good, resource: `${ORDERS_API}#x` }], /fragment/],
    ['a relative identifier', [{ ...good, resource: '/orders' }], /absolute URL/],
    ['the same API twice', [good, good], /listed twice/],
    ['an unknown field', [{ ...good, audience: 'x' }], /audience|Unrecognized/i],
    ['an introspecting client tobira does not serve', [{ ...good, introspectedBy: ['nobody'] }], /nobody.*not a client/],
  ] as const) {
    it(`refuses to start with ${what}, naming the problem`, async () => {
      await assert.rejects(infrastructureWith(value), (err: Error) => {
        assert.match(`${err.message} ${JSON.stringify(err)}`, message);
        return true;
      });
    });
  }

  it('reads config/resources.example.json as shipped', () => {
    const read = readResourcesFile(resolve(PROJECT_ROOT, 'config/resources.example.json'), new Set(['shop-backend']), false);
    assert.deepEqual(read.map((r) => [r.resource, [...r.clients.keys()]]), [['https://orders.shop.example/', ['shop-backend']]]);
  });

  it('takes http identifiers only outside production', () => {
    assert.equal(resourceIdentifierProblem('http://orders.internal/', true), null);
    assert.match(resourceIdentifierProblem('http://orders.internal/', false)?.en ?? '', /https/);
    assert.equal(resourceIdentifierProblem(ORDERS_API, false), null);
  });
});
