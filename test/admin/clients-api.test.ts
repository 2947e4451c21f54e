// Partner services registered through the operator API: created, used by openid-client, changed,
// disabled, enabled, rotated and deleted without a restart; secrets shown once and kept hashed (or
// sealed where oidc-provider needs them); every bad input refused with a clear error and nothing
// stored; every change audited with the operator who authenticated (here the bootstrap token, before
// any admin exists; an `operator` field is accepted and ignored); and the CLI for the same operations.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import type { Store } from '../../src/store/types.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { ADMIN_TOKEN, runCli } from '../support/recovery-harness.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';
import { sourceSubject } from '../../src/limits/subjects.ts';

const API = '/admin/api/clients';
const SECRET_KEY = 'client-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';

interface Answer { status: number; json: Record<string, unknown> }

/** One API call; a DELETE names its operator in the X-Operator header (a DELETE has no body). */
async function api(issuer: string, method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<Answer> {
  const operator = method === 'DELETE' ? (body as { operator?: string } | undefined)?.operator : undefined;
  const res = await fetch(`${issuer}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(operator ? { 'x-operator': operator } : {}),
      ...(body !== undefined && method !== 'DELETE' ? { 'content-type': 'application/json' } : {}),
      'accept-language': 'en',
    },
    ...(body !== undefined && method !== 'DELETE' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() as Record<string, unknown> };
}

const machine = (clientId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  client_id: clientId,
  client_name: `Back end ${clientId}`,
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  ...extra,
});

/** The introspection endpoint's status for a client and secret: 200 accepted, 401 refused. */
async function tokenStatus(issuer: string, clientId: string, secret: string): Promise<number> {
  const res = await fetch(`${issuer}/token/introspection`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: 'not-a-token' }),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * openid-client authenticates as the client (an introspection request, which any client may make
 * for its own tokens): true when tobira accepted the client and its secret.
 */
async function authenticates(config: oidc.Configuration): Promise<boolean> {
  const answer = await oidc.tokenIntrospection(config, 'not-a-token');
  return answer.active === false;
}

async function machineToken(issuer: string, clientId: string, secret: string): Promise<boolean> {
  return authenticates(await discover(issuer, clientId, secret));
}

for (const kind of FEATURE_STORES) {
  describe(`operator API: clients in the store (${kind} store)`, function () {
    this.timeout(60_000);
    let store: Store;
    let tobira: RunningTobira;

    before(async () => {
      store = await freshStore(kind);
      tobira = await startTobira({ store, clients: [partnerClient()], env: { ADMIN_TOKEN, CLIENT_SECRET_KEY: SECRET_KEY } });
    });
    after(async () => {
      await tobira?.close();
      await store?.close();
    });

    const audited = async (type: string) => (await store.audit.list({ type, limit: 100 }));

    it('creates a partner whose secret is shown once and kept hashed, and openid-client signs in to it at once', async () => {
      const created = await api(tobira.issuer, 'POST', API, { operator: 'alice', metadata: partnerClient({ client_id: 'shop-web', client_name: 'Shop Web', client_secret: undefined }) });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const secret = created.json.clientSecret;
      assert.equal(typeof secret, 'string');
      assert.ok((secret as string).length >= 43);
      const client = created.json.client as Record<string, unknown>;
      assert.equal(client.secret, 'hashed');
      assert.equal(client.revision, 1);
      assert.equal((client.metadata as Record<string, unknown>).client_secret, undefined, 'the answer holds the secret only once, apart');

      const stored = await store.clients.find('shop-web');
      const kept = String(stored?.metadata.client_secret);
      assert.ok(kept.startsWith('$tobira-scrypt$'), kept);
      assert.ok(!kept.includes(secret as string));
      const shown = await api(tobira.issuer, 'GET', `${API}/shop-web`);
      assert.equal(shown.status, 200);
      assert.ok(!JSON.stringify(shown.json).includes(secret as string));
      assert.ok(!JSON.stringify(shown.json).includes('$tobira-scrypt$'), 'not even the hash is shown');

      const config = await discover(tobira.issuer, 'shop-web', secret as string);
      const browser = new HttpBrowser();
      const pending = await startAuthorization(config);
      const callback = await signUpAndConsent(browser, pending, `shop-web.${kind}@example.com`);
      assert.ok(callback.url.startsWith(PARTNER_CALLBACK));
      const tokens = await redeem(config, pending, callback.url);
      assert.ok(tokens.claims()?.sub);
      // The consent page named the partner by the name registered through the API.
      const events = await audited('client.created');
      assert.ok(events.some((e) => e.actor === 'operator:bootstrap-token' && e.details.clientId === 'shop-web'));
      // A wrong secret is refused.
      assert.equal(await tokenStatus(tobira.issuer, 'shop-web', 'wrong'), 401);
    });

    it('disables, enables, rotates the secret and deletes, each taking effect on the next request and audited', async () => {
      const created = await api(tobira.issuer, 'POST', API, { operator: 'bob', metadata: machine('batch') });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const first = created.json.clientSecret as string;
      assert.ok(await machineToken(tobira.issuer, 'batch', first));

      assert.equal((await api(tobira.issuer, 'POST', `${API}/batch/disable`, { operator: 'bob' })).status, 200);
      assert.equal(await tokenStatus(tobira.issuer, 'batch', first), 401, 'a disabled client is refused');
      assert.equal((await api(tobira.issuer, 'POST', `${API}/batch/enable`, { operator: 'bob' })).status, 200);
      assert.ok(await machineToken(tobira.issuer, 'batch', first));

      const rotated = await api(tobira.issuer, 'POST', `${API}/batch/rotate-secret`, { operator: 'bob' });
      assert.equal(rotated.status, 200);
      const second = rotated.json.clientSecret as string;
      assert.notEqual(second, first);
      assert.equal(await tokenStatus(tobira.issuer, 'batch', first), 401, 'the old secret stops working');
      assert.ok(await machineToken(tobira.issuer, 'batch', second));

      const deleted = await api(tobira.issuer, 'DELETE', `${API}/batch`, { operator: 'bob' });
      assert.equal(deleted.status, 200);
      assert.equal(await tokenStatus(tobira.issuer, 'batch', second), 401);
      assert.equal((await api(tobira.issuer, 'GET', `${API}/batch`)).status, 404);

      for (const type of ['client.created', 'client.disabled', 'client.enabled', 'client.secret_rotated', 'client.deleted']) {
        assert.ok((await audited(type)).some((e) => e.actor === 'operator:bootstrap-token' && e.details.clientId === 'batch'), type);
      }
    });

    it('updates on the revision read, refuses a stale revision without changing anything, and keeps the secret', async () => {
      const created = await api(tobira.issuer, 'POST', API, { operator: 'carol', metadata: machine('reports') });
      const secret = created.json.clientSecret as string;
      const updated = await api(tobira.issuer, 'PUT', `${API}/reports`, { operator: 'carol', revision: 1, metadata: machine('reports', { client_name: 'Reports v2' }) });
      assert.equal(updated.status, 200, JSON.stringify(updated.json));
      assert.equal(updated.json.clientSecret, undefined, 'an edit keeps the secret');
      assert.equal((updated.json.client as Record<string, unknown>).revision, 2);
      assert.ok(await machineToken(tobira.issuer, 'reports', secret));

      const before = JSON.stringify(await store.clients.find('reports'));
      const stale = await api(tobira.issuer, 'PUT', `${API}/reports`, { operator: 'dave', revision: 1, metadata: machine('reports', { client_name: 'Overwritten' }) });
      assert.equal(stale.status, 409);
      assert.equal(stale.json.error, 'client_revision_conflict');
      assert.match(String(stale.json.message), /revision 2/);
      assert.equal(JSON.stringify(await store.clients.find('reports')), before);

      // Moving to client_secret_jwt needs the secret itself: only with a new one.
      const jwt = machine('reports', { token_endpoint_auth_method: 'client_secret_jwt' });
      const refused = await api(tobira.issuer, 'PUT', `${API}/reports`, { operator: 'carol', revision: 2, metadata: jwt });
      assert.equal(refused.status, 409);
      assert.equal(refused.json.error, 'client_secret_must_rotate');
      assert.equal(JSON.stringify(await store.clients.find('reports')), before);
      const moved = await api(tobira.issuer, 'PUT', `${API}/reports`, { operator: 'carol', revision: 2, metadata: jwt, rotateSecret: true });
      assert.equal(moved.status, 200, JSON.stringify(moved.json));
      assert.equal((moved.json.client as Record<string, unknown>).secret, 'sealed');
    });

    it('serves client_secret_jwt (secret sealed under CLIENT_SECRET_KEY) and private_key_jwt (jwks) partners', async () => {
      const created = await api(tobira.issuer, 'POST', API, { operator: 'erin', metadata: machine('signed-hmac', { token_endpoint_auth_method: 'client_secret_jwt' }) });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const secret = created.json.clientSecret as string;
      const kept = String((await store.clients.find('signed-hmac'))?.metadata.client_secret);
      assert.ok(kept.startsWith('$tobira-aes256gcm$') && !kept.includes(secret));
      const hmacConfig = await oidc.discovery(new URL(tobira.issuer), 'signed-hmac', {}, oidc.ClientSecretJwt(secret), { execute: [oidc.allowInsecureRequests] });
      assert.ok(await authenticates(hmacConfig));

      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = { ...await exportJWK(publicKey), kid: 'partner-key-1', alg: 'ES256', use: 'sig' };
      const keyed = await api(tobira.issuer, 'POST', API, { operator: 'erin', metadata: machine('signed-key', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } }) });
      assert.equal(keyed.status, 201, JSON.stringify(keyed.json));
      assert.equal(keyed.json.clientSecret, undefined, 'no secret for a key-authenticated client');
      const keyConfig = await oidc.discovery(new URL(tobira.issuer), 'signed-key', {}, oidc.PrivateKeyJwt({ key: privateKey, kid: 'partner-key-1' }), { execute: [oidc.allowInsecureRequests] });
      assert.ok(await authenticates(keyConfig));
      assert.equal((await api(tobira.issuer, 'POST', `${API}/signed-key/rotate-secret`, { operator: 'erin' })).json.error, 'client_has_no_secret');
    });

    it('lets one of two concurrent creates of one client_id win; the other is told it is taken', async () => {
      const answers = await Promise.all([0, 1].map(() => api(tobira.issuer, 'POST', API, { operator: 'frank', metadata: machine('twice') })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409]);
      assert.equal(answers.find((a) => a.status === 409)?.json.error, 'client_exists');
      const winner = answers.find((a) => a.status === 201)?.json.clientSecret as string;
      assert.ok(await machineToken(tobira.issuer, 'twice', winner), 'the secret shown is the one that works');
    });

    describe('refuses every bad input with a clear error and stores nothing', () => {
      const cases: Array<{ name: string; method?: string; path?: string; body: unknown; status: number; error: string; mentions?: RegExp; token?: string | null }> = [
        { name: 'no token', body: { operator: 'x', metadata: machine('bad-1') }, status: 401, error: 'admin_unauthorized', token: null },
        { name: 'a wrong token', body: { operator: 'x', metadata: machine('bad-1') }, status: 401, error: 'admin_unauthorized', token: `${ADMIN_TOKEN}x` },
        { name: 'no metadata', body: { operator: 'x' }, status: 400, error: 'invalid_input', mentions: /metadata/ },
        { name: 'metadata as a string', body: { operator: 'x', metadata: 'client_id=bad' }, status: 400, error: 'invalid_input', mentions: /metadata/ },
        { name: 'metadata as an array', body: { operator: 'x', metadata: [machine('bad-1')] }, status: 400, error: 'invalid_input', mentions: /metadata/ },
        { name: 'an unknown field', body: { operator: 'x', metadata: machine('bad-1'), secret: 'mine' }, status: 400, error: 'invalid_input', mentions: /secret/ },
        { name: 'not JSON', body: '{"operator": "x", ', status: 400, error: 'invalid_input' },
        { name: 'no client_id', body: { operator: 'x', metadata: { ...machine('bad-1'), client_id: undefined } }, status: 400, error: 'invalid_client_metadata', mentions: /client_id/ },
        { name: 'a client_id with a dot', body: { operator: 'x', metadata: machine('bad.1') }, status: 400, error: 'invalid_client_metadata', mentions: /client_id/ },
        { name: 'a client_id of 129 characters', body: { operator: 'x', metadata: machine('a'.repeat(129)) }, status: 400, error: 'invalid_client_metadata', mentions: /client_id/ },
        { name: 'a secret chosen by the operator', body: { operator: 'x', metadata: machine('bad-1', { client_secret: 'chosen-secret-0123456789-abcdefghijklmnop' }) }, status: 400, error: 'invalid_client_metadata', mentions: /client_secret/ },
        { name: 'an unknown auth method', body: { operator: 'x', metadata: machine('bad-1', { token_endpoint_auth_method: 'magic' }) }, status: 400, error: 'invalid_client_metadata', mentions: /token_endpoint_auth_method/ },
        { name: 'an unknown grant type', body: { operator: 'x', metadata: machine('bad-1', { grant_types: ['password'] }) }, status: 400, error: 'invalid_client_metadata', mentions: /grant_types/ },
        { name: 'a redirect URI that is no URL', body: { operator: 'x', metadata: partnerClient({ client_id: 'bad-1', client_secret: undefined, redirect_uris: ['not a url'] }) }, status: 400, error: 'invalid_client_metadata', mentions: /redirect_uris/ },
        { name: 'a code client without redirect URIs', body: { operator: 'x', metadata: partnerClient({ client_id: 'bad-1', client_secret: undefined, redirect_uris: [] }) }, status: 400, error: 'invalid_client_metadata', mentions: /redirect_uris/ },
        { name: 'private_key_jwt without keys', body: { operator: 'x', metadata: machine('bad-1', { token_endpoint_auth_method: 'private_key_jwt' }) }, status: 400, error: 'invalid_client_metadata', mentions: /jwks/ },
        { name: 'tobira_first_party not a boolean', body: { operator: 'x', metadata: machine('bad-1', { tobira_first_party: 'yes' }) }, status: 400, error: 'invalid_client_metadata', mentions: /tobira_first_party/ },
        { name: 'the id of a clients-file client', body: { operator: 'x', metadata: machine('partner-web') }, status: 409, error: 'client_managed_by_file', mentions: /partner-web/ },
        { name: 'the id of the account menu', body: { operator: 'x', metadata: machine('tobira-account') }, status: 409, error: 'client_managed_by_file' },
        { name: 'an update of a clients-file client', method: 'PUT', path: `${API}/partner-web`, body: { operator: 'x', revision: 1, metadata: machine('partner-web') }, status: 409, error: 'client_managed_by_file' },
        { name: 'disabling a clients-file client', path: `${API}/partner-web/disable`, body: { operator: 'x' }, status: 409, error: 'client_managed_by_file' },
        { name: 'deleting a clients-file client', method: 'DELETE', path: `${API}/partner-web`, body: { operator: 'x' }, status: 409, error: 'client_managed_by_file' },
        { name: 'an update of an unknown client', method: 'PUT', path: `${API}/nobody`, body: { operator: 'x', revision: 1, metadata: machine('nobody') }, status: 404, error: 'client_not_found' },
        { name: 'an update without a revision', method: 'PUT', path: `${API}/nobody`, body: { operator: 'x', metadata: machine('nobody') }, status: 400, error: 'invalid_input', mentions: /revision/ },
        { name: 'disabling an unknown client', path: `${API}/nobody/disable`, body: { operator: 'x' }, status: 404, error: 'client_not_found' },
        { name: 'a path id with a dot', method: 'GET', path: `${API}/a.b`, body: undefined, status: 404, error: 'client_not_found' },
      ];
      for (const c of cases) {
        it(c.name, async () => {
          const before = JSON.stringify(await store.clients.list());
          const version = await store.clients.findVersion();
          const answer = await api(tobira.issuer, c.method ?? 'POST', c.path ?? API, c.body, c.token === undefined ? ADMIN_TOKEN : c.token);
          assert.equal(answer.status, c.status, JSON.stringify(answer.json));
          assert.equal(answer.json.error, c.error);
          assert.ok(String(answer.json.message).length > 10, 'a sentence for the operator');
          if (c.mentions) assert.match(String(answer.json.message), c.mentions);
          assert.equal(JSON.stringify(await store.clients.list()), before, 'nothing stored');
          assert.equal(await store.clients.findVersion(), version);
        });
      }
      it('an update that changes the client_id', async () => {
        await api(tobira.issuer, 'POST', API, { operator: 'x', metadata: machine('renamed') });
        const before = JSON.stringify(await store.clients.list());
        const answer = await api(tobira.issuer, 'PUT', `${API}/renamed`, { operator: 'x', revision: 1, metadata: machine('other-name') });
        assert.equal(answer.status, 400);
        assert.equal(answer.json.error, 'invalid_client_metadata');
        assert.match(String(answer.json.message), /client_id/);
        assert.equal(JSON.stringify(await store.clients.list()), before);
      });
    });

    it('lists the file clients as read-only beside the stored ones', async () => {
      const listed = await api(tobira.issuer, 'GET', API);
      const clients = listed.json.clients as Array<Record<string, unknown>>;
      const file = clients.find((c) => c.clientId === 'partner-web');
      assert.equal(file?.managedBy, 'file');
      assert.ok(!JSON.stringify(listed.json).includes('partner-secret'), 'no file secret either');
      assert.ok(clients.some((c) => c.managedBy === 'store'));
    });

    it('the CLI creates, shows, disables and deletes a client, printing the secret once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tobira-client-'));
      const file = join(dir, 'client.json');
      writeFileSync(file, JSON.stringify(machine('from-cli')));
      const env = { ADMIN_TOKEN, TOBIRA_URL: tobira.issuer };
      const created = await runCli(['clients', 'create', '--metadata', file, '--operator', 'grace'], env);
      assert.equal(created.code, 0, created.stderr);
      const secret = /client_secret: (\S+)/.exec(created.stdout)?.[1];
      assert.ok(secret);
      assert.match(created.stderr, /shown once/);
      assert.ok(await machineToken(tobira.issuer, 'from-cli', secret));
      const shown = await runCli(['clients', 'show', 'from-cli'], env);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /revision 1/);
      assert.ok(!shown.stdout.includes(secret));
      const disabled = await runCli(['clients', 'disable', 'from-cli', '--operator', 'grace'], env);
      assert.equal(disabled.code, 0, disabled.stderr);
      assert.equal(await tokenStatus(tobira.issuer, 'from-cli', secret), 401);
      const stale = await runCli(['clients', 'update', 'from-cli', '--revision', '1', '--metadata', file, '--operator', 'grace'], env);
      assert.equal(stale.code, 1);
      assert.match(stale.stderr, /revision 2/);
      // --operator is accepted and ignored.
      const deleted = await runCli(['clients', 'delete', 'from-cli', '--operator', 'grace'], env);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(await store.clients.find('from-cli'), undefined);
      assert.ok((await audited('client.deleted')).some((e) => e.actor === 'operator:bootstrap-token'));
    });
  });
}

describe('operator API: clients that need the secret itself, without CLIENT_SECRET_KEY', () => {
  let tobira: RunningTobira;
  before(async () => {
    tobira = await startTobira({ store: 'memory', env: { ADMIN_TOKEN } });
  });
  after(async () => tobira?.close());

  it('refuses client_secret_jwt and HS256 clients with a sentence naming CLIENT_SECRET_KEY, and stores nothing', async () => {
    for (const extra of [{ token_endpoint_auth_method: 'client_secret_jwt' }, { id_token_signed_response_alg: 'HS256' }]) {
      const answer = await api(tobira.issuer, 'POST', API, { operator: 'x', metadata: machine('needs-key', extra) });
      assert.equal(answer.status, 400);
      assert.equal(answer.json.error, 'client_secret_key_missing');
      assert.match(String(answer.json.message), /CLIENT_SECRET_KEY/);
    }
    assert.deepEqual(await tobira.store.clients.list(), []);
  });
});

describe('operator API: the clients file wins over the store, and a sealed secret needs its key', () => {
  it('serves the file\'s registration for an id both have, and lists the stored one as shadowed', async () => {
    const store = await freshStore('memory');
    // Stored first (registered through the API earlier), then the file gained the same id.
    await store.clients.create({ clientId: 'partner-web', metadata: { ...machine('partner-web'), client_secret: '$tobira-scrypt$AAAA$BBBB' }, disabled: false });
    const tobira = await startTobira({ store, clients: [partnerClient()], env: { ADMIN_TOKEN } });
    try {
      assert.ok(await authenticates(await discover(tobira.issuer)), 'the file\'s secret works');
      const listed = (await api(tobira.issuer, 'GET', API)).json.clients as Array<Record<string, unknown>>;
      assert.deepEqual(listed.filter((c) => c.clientId === 'partner-web').map((c) => [c.managedBy, c.shadowedByFile ?? false]), [['file', false], ['store', true]]);
      assert.equal((await api(tobira.issuer, 'POST', `${API}/partner-web/disable`, { operator: 'x' })).json.error, 'client_managed_by_file');
    } finally {
      await tobira.close();
      await store.close();
    }
  });

  it('refuses a client whose sealed secret does not open with the CLIENT_SECRET_KEY now set', async () => {
    const store = await freshStore('memory');
    const first = await startTobira({ store, env: { ADMIN_TOKEN, CLIENT_SECRET_KEY: SECRET_KEY } });
    const created = await api(first.issuer, 'POST', API, { operator: 'x', metadata: machine('hmac', { token_endpoint_auth_method: 'client_secret_jwt' }) });
    assert.equal(created.status, 201);
    await first.close();
    const second = await startTobira({ store, env: { ADMIN_TOKEN, CLIENT_SECRET_KEY: `${SECRET_KEY}-another` } });
    try {
      const config = await oidc.discovery(new URL(second.issuer), 'hmac', {}, oidc.ClientSecretJwt(created.json.clientSecret as string), { execute: [oidc.allowInsecureRequests] });
      await assert.rejects(oidc.tokenIntrospection(config, 'x'), (err: unknown) => (err as oidc.ResponseBodyError).error === 'invalid_client');
    } finally {
      await second.close();
      await store.close();
    }
  });
});

describe('operator API: a machine client registered in the store gets tokens for an API the resources file names it for', () => {
  it('starts with a resources file naming a stored client, and that client gets a JWT for the API', async () => {
    const store = await freshStore('memory');
    const first = await startTobira({ store, env: { ADMIN_TOKEN } });
    const created = await api(first.issuer, 'POST', API, { operator: 'x', metadata: machine('stored-backend') });
    assert.equal(created.status, 201);
    await first.close();
    const dir = mkdtempSync(join(tmpdir(), 'tobira-resources-'));
    const resources = join(dir, 'resources.json');
    writeFileSync(resources, JSON.stringify([{ resource: 'https://orders.shop.example/', name: 'Orders', scopes: ['orders:read'], clients: { 'stored-backend': ['orders:read'] } }]));
    const second = await startTobira({ store, env: { ADMIN_TOKEN, RESOURCES_FILE: resources } });
    try {
      const config = await discover(second.issuer, 'stored-backend', created.json.clientSecret as string);
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'orders:read', resource: 'https://orders.shop.example/' });
      const payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      assert.equal(payload.aud, 'https://orders.shop.example/');
      assert.equal(payload.client_id, 'stored-backend');
    } finally {
      await second.close();
      await store.close();
    }
  });
});

describe('wrong secrets of a stored partner, counted per source', function () {
  this.timeout(60_000);
  let tobira: RunningTobira;

  before(async () => {
    // TRUST_PROXY: the per-source limit tells requests apart by X-Forwarded-For.
    tobira = await startTobira({ store: 'memory', env: { ADMIN_TOKEN, TRUST_PROXY: 'true' } });
  });
  after(() => tobira?.close());

  async function introspectFrom(source: string, secret: string): Promise<number> {
    const res = await fetch(`${tobira.issuer}/token/introspection`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`guarded:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': source },
      body: new URLSearchParams({ token: 'not-a-token' }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  it('stops checking after 30 wrong secrets from one address, and the partner elsewhere goes on', async () => {
    const created = await api(tobira.issuer, 'POST', API, { operator: 'ivan', metadata: machine('guarded') });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const secret = created.json.clientSecret as string;
    assert.equal(await introspectFrom('198.51.100.20', secret), 200, 'the right secret works before');
    for (let i = 0; i < 30; i += 1) assert.equal(await introspectFrom('203.0.113.50', `wrong-${i}`), 401);
    assert.equal(await introspectFrom('203.0.113.50', secret), 401, 'from the guessing address even the right secret is refused, unchecked');
    assert.equal(await introspectFrom('198.51.100.20', secret), 200, 'the partner\'s back end elsewhere is not held back');
    const counted = await tobira.store.counters.count('clientSecretFailuresPerSource:' + String(sourceSubject('203.0.113.50')));
    assert.equal(counted, 30, 'refused without a check: the refusal itself is not counted');
  });
});

