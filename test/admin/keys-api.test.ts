// Signing keys through the operator API and the CLI: generate, promote, retire, each audited with
// the operator's account (an admin's personal token; an operator's is refused); every bad input refused with a clear error and nothing changed; an ID token signed
// before a rotation still verifies with openid-client afterwards (until its key's time is over),
// one signed after is signed by the new key; the schedule takes each step exactly once however many
// services race for it; with SIGNING_KEYS_FILE the lifecycle is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { AuditLog, type AuditContext } from '../../src/audit/audit-log.ts';
import { OperatorService } from '../../src/operators/operator-service.ts';
import type { OperatorRole, OperatorScope } from '../../src/operators/roles.ts';
import { createLogger } from '../../src/log.ts';
import { SigningKeyRing } from '../../src/oidc/signing-key-ring.ts';
import { SigningKeyService } from '../../src/oidc/signing-key-service.ts';
import { generateSigningKey } from '../../src/oidc/signing-keys.ts';
import type { Store } from '../../src/store/types.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { partnerClient } from '../support/partner.ts';
import { signIn, verifiesNow } from '../support/id-token-replay.ts';
import { ADMIN_TOKEN, runCli } from '../support/recovery-harness.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

const API = '/admin/api/keys';
const PUBLISH_SECONDS = 60;
const TOKEN_TTL = 300;

interface Answer { status: number; json: Record<string, unknown> }
interface KeyView { kid: string; alg: string; state: string; promotableAt: string | null; removeAt: string | null }

/** The personal token API calls use unless told otherwise (the admin's, once made). */
let defaultToken: string = ADMIN_TOKEN;

/** An account with `role` and a personal token with `scopes`, made as the console makes them; the audit actor it acts as. */
async function operatorWithToken(store: Store, email: string, role: OperatorRole, scopes: OperatorScope[]): Promise<{ token: string; actor: string }> {
  const account = await store.accounts.create({ email, emailVerified: true, name: 'Key Keeper', passwordHash: null });
  await store.operatorGrants.put({ accountId: account.id, role, grantedAt: new Date(), grantedBy: 'test' });
  const operators = new OperatorService({ grants: store.operatorGrants, tokens: store.operatorTokens, accounts: store.accounts, audit: new AuditLog(store.audit, createLogger('silent')), tokenMaxDays: 30 });
  const context: AuditContext = { actor: 'test', ip: null, userAgent: null };
  const { token } = await operators.createToken(account.id, { name: 'keys', scopes, days: 1 }, context);
  return { token, actor: `operator:${account.id}:${email}` };
}

async function api(issuer: string, method: string, path: string, body?: unknown, token: string | null = defaultToken): Promise<Answer> {
  const res = await fetch(`${issuer}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      'accept-language': 'en',
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() as Record<string, unknown> };
}

async function jwksKids(issuer: string): Promise<string[]> {
  const jwks = await (await fetch(`${issuer}/jwks`)).json() as { keys: Array<{ kid: string }> };
  return jwks.keys.map((key) => key.kid).sort();
}

const keysOf = (answer: Answer): KeyView[] => answer.json.keys as KeyView[];
const kidIn = (keys: KeyView[], state: string, alg: string): string => {
  const key = keys.find((candidate) => candidate.state === state && candidate.alg === alg);
  assert.ok(key, `a ${state} ${alg} key in ${JSON.stringify(keys)}`);
  return key.kid;
};

for (const kind of FEATURE_STORES) {
  describe(`operator API: signing keys (${kind} store)`, function () {
    this.timeout(90_000);
    let store: Store;
    let tobira: RunningTobira;
    let offset = 0;
    const now = (): number => Date.now() + offset;
    let admin: { token: string; actor: string };

    before(async () => {
      store = await freshStore(kind);
      tobira = await startTobira({
        store,
        clients: [partnerClient()],
        now,
        env: {
          ADMIN_TOKEN,
          SIGNING_KEY_PUBLISH_SECONDS: String(PUBLISH_SECONDS),
          SIGNING_KEY_ROTATION_SECONDS: '0',
          SIGNING_KEY_RETIRE_GRACE_SECONDS: '0',
          ID_TOKEN_TTL: String(TOKEN_TTL),
          ACCESS_TOKEN_TTL: String(TOKEN_TTL),
          SIGNING_KEYS_REFRESH_SECONDS: '1',
        },
      });
      admin = await operatorWithToken(store, `keys.admin.${kind}@example.com`, 'admin', ['keys']);
      defaultToken = admin.token;
    });
    after(async () => {
      await tobira?.close();
      await store?.close();
    });

    const audited = async (type: string) => store.audit.list({ type, limit: 100 });

    it('lists the current keys, the same ones /jwks publishes, and refuses callers without the token', async () => {
      const listed = await api(tobira.issuer, 'GET', API);
      assert.equal(listed.status, 200, JSON.stringify(listed.json));
      assert.equal(listed.json.source, 'store');
      assert.equal(listed.json.publishSeconds, PUBLISH_SECONDS);
      assert.equal(listed.json.retainSeconds, TOKEN_TTL);
      const keys = keysOf(listed);
      assert.deepEqual(keys.map((key) => `${key.state} ${key.alg}`).sort(), ['current ES256', 'current RS256']);
      assert.deepEqual(keys.map((key) => key.kid).sort(), await jwksKids(tobira.issuer));
      assert.ok(!JSON.stringify(listed.json).includes('"d"'), 'no private part');
      assert.equal((await api(tobira.issuer, 'GET', API, undefined, null)).status, 401);
      assert.equal((await api(tobira.issuer, 'POST', `${API}/generate`, {}, 'wrong-token')).status, 401);
      // The bootstrap token is retired once an admin exists; an operator (not admin) has no `keys` scope.
      assert.equal((await api(tobira.issuer, 'POST', `${API}/generate`, {}, ADMIN_TOKEN)).status, 401);
      const operator = await operatorWithToken(store, `keys.operator.${kind}@example.com`, 'operator', ['recovery']);
      const forbidden = await api(tobira.issuer, 'POST', `${API}/generate`, {}, operator.token);
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.json.error, 'operator_forbidden');
      assert.equal((await api(tobira.issuer, 'GET', API, undefined, operator.token)).status, 403);
      assert.deepEqual(keysOf(await api(tobira.issuer, 'GET', API)), keys, 'nothing was generated');
    });

    it('refuses every bad request with a clear error, and nothing changes', async () => {
      const before = await api(tobira.issuer, 'GET', API);
      const jwksBefore = await jwksKids(tobira.issuer);
      const current = kidIn(keysOf(before), 'current', 'RS256');
      const auditsBefore = (await store.audit.list({ limit: 1000 })).filter((e) => e.type.startsWith('signing_key.')).length;
      const refusals: Array<[string, Answer, number, string, RegExp?]> = [
        ['promote with no next key', await api(tobira.issuer, 'POST', `${API}/promote`, {}), 409, 'signing_key_no_next', /generate one first/],
        ['retire the current key', await api(tobira.issuer, 'POST', `${API}/${current}/retire`, {}), 409, 'signing_key_is_current', /promote the next key/],
        ['retire the current key immediately', await api(tobira.issuer, 'POST', `${API}/${current}/retire`, { immediately: true }), 409, 'signing_key_is_current'],
        ['retire an unknown kid', await api(tobira.issuer, 'POST', `${API}/no-such-kid/retire`, {}), 404, 'signing_key_not_found', /no-such-kid/],
        ['a kid that is no kid', await api(tobira.issuer, 'POST', `${API}/${encodeURIComponent('a kid!')}/retire`, {}), 400, 'invalid_input', /kid/],
        ['an unknown field', await api(tobira.issuer, 'POST', `${API}/generate`, { alg: 'HS256' }), 400, 'invalid_input', /alg/],
        ['immediately not a boolean', await api(tobira.issuer, 'POST', `${API}/${current}/retire`, { immediately: 'yes' }), 400, 'invalid_input', /immediately/],
        ['a body that is a list', await api(tobira.issuer, 'POST', `${API}/promote`, ['alice']), 400, 'invalid_input'],
        ['a body that is not JSON', await api(tobira.issuer, 'POST', `${API}/promote`, '{"operator":'), 400, 'invalid_input'],
        ['an unknown operation', await api(tobira.issuer, 'POST', `${API}/rotate`, {}), 404, 'not_found'],
      ];
      for (const [what, answer, status, code, message] of refusals) {
        assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.json)}`);
        assert.equal(answer.json.error, code, what);
        if (message) assert.match(String(answer.json.message), message, what);
      }
      assert.deepEqual(await api(tobira.issuer, 'GET', API), before, 'the keys are as they were');
      assert.deepEqual(await jwksKids(tobira.issuer), jwksBefore);
      const auditsAfter = (await store.audit.list({ limit: 1000 })).filter((e) => e.type.startsWith('signing_key.')).length;
      assert.equal(auditsAfter, auditsBefore, 'a refusal records no key change');
    });

    it('rotates: the next keys are published first, promoted only after the publish time; old ID tokens verify until the old keys leave /jwks', async () => {
      const browser = new HttpBrowser();
      const start = keysOf(await api(tobira.issuer, 'GET', API));
      const oldRs = kidIn(start, 'current', 'RS256');
      const oldEs = kidIn(start, 'current', 'ES256');

      const before = await signIn(tobira.issuer, browser, `rotate.${kind}@example.com`);
      assert.equal(decodeProtectedHeader(before.idToken).kid, oldRs, 'signed by the current RS256 key');

      const generated = await api(tobira.issuer, 'POST', `${API}/generate`, {});
      assert.equal(generated.status, 201, JSON.stringify(generated.json));
      const newRs = kidIn(keysOf(generated), 'next', 'RS256');
      const newEs = kidIn(keysOf(generated), 'next', 'ES256');
      assert.deepEqual(await jwksKids(tobira.issuer), [oldRs, oldEs, newRs, newEs].sort(), 'the next keys are published at once');
      const again = await api(tobira.issuer, 'POST', `${API}/generate`, {});
      assert.equal(again.status, 409);
      assert.equal(again.json.error, 'signing_key_next_exists');

      const meanwhile = await signIn(tobira.issuer, browser, undefined);
      assert.equal(decodeProtectedHeader(meanwhile.idToken).kid, oldRs, 'a next key signs nothing');

      const early = await api(tobira.issuer, 'POST', `${API}/promote`, {});
      assert.equal(early.status, 409, JSON.stringify(early.json));
      assert.equal(early.json.error, 'signing_key_too_early');
      assert.match(String(early.json.message), new RegExp(String(keysOf(generated).find((key) => key.kid === newRs)?.promotableAt).replace(/\./g, '\\.')));
      assert.equal(kidIn(keysOf(await api(tobira.issuer, 'GET', API)), 'current', 'RS256'), oldRs, 'still the old key');

      offset += PUBLISH_SECONDS * 1000;
      // An `operator` field (older CLIs send one) is accepted and ignored: the token names who acts.
      const promotedAnswer = await api(tobira.issuer, 'POST', `${API}/promote`, { operator: 'someone-else' });
      assert.equal(promotedAnswer.status, 200, JSON.stringify(promotedAnswer.json));
      const listed = keysOf(await api(tobira.issuer, 'GET', API));
      assert.equal(kidIn(listed, 'current', 'RS256'), newRs);
      assert.equal(kidIn(listed, 'current', 'ES256'), newEs);
      assert.equal(kidIn(listed, 'retired', 'RS256'), oldRs);
      assert.equal(kidIn(listed, 'retired', 'ES256'), oldEs);
      const retiredKey = listed.find((key) => key.kid === oldRs);
      assert.equal(new Date(String(retiredKey?.removeAt)).getTime() - now() <= TOKEN_TTL * 1000, true, 'kept for the longest token lifetime');

      const after = await signIn(tobira.issuer, browser, undefined);
      assert.equal(decodeProtectedHeader(after.idToken).kid, newRs, 'signed by the new key at once');
      await verifiesNow(tobira.issuer, before);
      await verifiesNow(tobira.issuer, after);

      const retireRetired = await api(tobira.issuer, 'POST', `${API}/${oldRs}/retire`, {});
      assert.equal(retireRetired.status, 409);
      assert.equal(retireRetired.json.error, 'signing_key_already_retired');

      // The retired keys' time ends: /jwks drops them, and the ID token they signed no longer verifies.
      offset += TOKEN_TTL * 1000 + 2000;
      assert.deepEqual(await jwksKids(tobira.issuer), [newRs, newEs].sort());
      await assert.rejects(verifiesNow(tobira.issuer, before), { code: 'OAUTH_KEY_SELECTION_FAILED' }, 'openid-client finds no key for it in /jwks');
      await verifiesNow(tobira.issuer, after);
      // The schedule then forgets them in the store, once.
      assert.deepEqual(await tobira.signingKeys.runSchedule(), ['remove']);
      assert.deepEqual(await tobira.signingKeys.runSchedule(), []);

      const generatedEvents = await audited('signing_key.generated');
      assert.ok(generatedEvents.some((e) => e.actor === admin.actor && JSON.stringify(e.details.kids) === JSON.stringify([newEs, newRs])), JSON.stringify(generatedEvents));
      const promotedEvents = await audited('signing_key.promoted');
      assert.ok(promotedEvents.some((e) => e.actor === admin.actor && (e.details.kids as string[]).includes(newRs) && (e.details.retiredKids as string[]).includes(oldRs)));
      const removedEvents = await audited('signing_key.removed');
      assert.ok(removedEvents.some((e) => e.actor === 'system:key-schedule' && (e.details.kids as string[]).includes(oldRs)));
    });

    it('a next key can be discarded; a leaked retired key can be removed at once', async () => {
      const generated = await api(tobira.issuer, 'POST', `${API}/generate`, {});
      const next = kidIn(keysOf(generated), 'next', 'ES256');
      const discarded = await api(tobira.issuer, 'POST', `${API}/${next}/retire`, {});
      assert.equal(discarded.status, 200, JSON.stringify(discarded.json));
      assert.equal(discarded.json.outcome, 'discarded');
      assert.equal((discarded.json.kids as string[]).length, 2, 'both algorithms');
      assert.ok(!(await jwksKids(tobira.issuer)).includes(next));

      await api(tobira.issuer, 'POST', `${API}/generate`, {});
      offset += PUBLISH_SECONDS * 1000;
      const promotedAnswer = await api(tobira.issuer, 'POST', `${API}/promote`, {});
      assert.equal(promotedAnswer.status, 200);
      const leaked = kidIn(keysOf(await api(tobira.issuer, 'GET', API)), 'retired', 'RS256');
      const removed = await api(tobira.issuer, 'POST', `${API}/${leaked}/retire`, { immediately: true });
      assert.equal(removed.status, 200, JSON.stringify(removed.json));
      assert.equal(removed.json.outcome, 'removed');
      assert.ok(!(await jwksKids(tobira.issuer)).includes(leaked));
      assert.ok((await audited('signing_key.discarded')).some((e) => e.actor === admin.actor));
      assert.ok((await audited('signing_key.removed')).some((e) => e.actor === admin.actor && e.details.early === true));
    });

    it('the CLI lists, generates, promotes and retires, and prints the API\'s refusals', async () => {
      const env = { TOBIRA_OPERATOR_TOKEN: admin.token, TOBIRA_URL: tobira.issuer };
      const listed = await runCli(['keys', 'list'], env);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /current\s+ES256/);
      assert.match(listed.stdout, /current\s+RS256/);
      const tooSoon = await runCli(['keys', 'promote'], env);
      assert.equal(tooSoon.code, 1);
      assert.match(tooSoon.stderr, /no next signing key.*signing_key_no_next/s);
      const noKid = await runCli(['keys', 'retire'], env);
      assert.equal(noKid.code, 2);
      assert.match(noKid.stderr, /"retire" needs a kid/);
      const unknown = await runCli(['keys', 'rotate'], env);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown command "rotate"/);
      const generated = await runCli(['keys', 'generate'], env);
      assert.equal(generated.code, 0, generated.stderr);
      assert.match(generated.stdout, /generated: ES256 \S+ \(now next\)/);
      const kid = /generated: RS256 (\S+)/.exec(generated.stdout)?.[1] ?? '';
      const early = await runCli(['keys', 'promote'], env);
      assert.equal(early.code, 1);
      assert.match(early.stderr, /signing_key_too_early/);
      // A kid may start with "-" (a JWK thumbprint is base64url): after "--" it is never an option.
      const retired = await runCli(['keys', 'retire', '--', kid], env);
      assert.equal(retired.code, 0, retired.stderr);
      assert.match(retired.stdout, new RegExp(`discarded: .*${kid}`));
      assert.ok((await audited('signing_key.discarded')).some((e) => e.actor === admin.actor));
    });
  });

  describe(`signing key schedule: many services racing on one store (${kind} store)`, function () {
    this.timeout(60_000);
    let store: Store;
    before(async () => { store = await freshStore(kind); });
    after(async () => { await store?.close(); });

    it('each step is taken by exactly one of them, and all end up with the same keys', async () => {
      let clock = Date.UTC(2030, 0, 1);
      const now = (): number => clock;
      const audit = new AuditLog(store.audit, createLogger('silent'));
      const times = { publishSeconds: 60, retainSeconds: 120, rotationSeconds: 3600 };
      const rings = await Promise.all(Array.from({ length: 4 }, () => SigningKeyRing.open({ secrets: store.secrets, fileKeys: null, refreshMs: 1000, now })));
      const services = rings.map((ring) => new SigningKeyService({ ring, audit, times, now }));
      const first = rings[0]?.jwks().keys.map((key) => key.kid);
      for (const ring of rings) assert.deepEqual(ring.jwks().keys.map((key) => key.kid), first, 'processes starting together agree on the first keys');

      const race = async (): Promise<string[]> => (await Promise.all(services.map((service) => service.runSchedule()))).flat();
      assert.deepEqual(await race(), [], 'nothing is due');
      clock += (3600 - 60) * 1000;
      assert.deepEqual(await race(), ['generate'], 'one generation, by one of them');
      clock += 60 * 1000;
      assert.deepEqual(await race(), ['promote']);
      for (const ring of rings) await ring.refresh();
      const agreed = rings[0]?.jwks().keys.map((key) => key.kid);
      assert.equal(agreed?.length, 4);
      for (const ring of rings) assert.deepEqual(ring.jwks().keys.map((key) => key.kid), agreed);
      clock += 120 * 1000;
      assert.deepEqual(await race(), ['remove']);
      const events = (await store.audit.list({ limit: 100 })).filter((e) => e.type.startsWith('signing_key.'));
      assert.deepEqual(events.map((e) => e.type).sort(), ['signing_key.generated', 'signing_key.promoted', 'signing_key.removed']);
      assert.ok(events.every((e) => e.actor === 'system:key-schedule' && e.details.scheduled === true));
    });
  });
}

describe('signing keys from SIGNING_KEYS_FILE', function () {
  this.timeout(30_000);
  let tobira: RunningTobira;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tobira-keys-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [await generateSigningKey('ES256'), await generateSigningKey('RS256')] }));
    tobira = await startTobira({ store: 'memory', env: { ADMIN_TOKEN, SIGNING_KEYS_FILE: file, SIGNING_KEY_ROTATION_SECONDS: '1', SIGNING_KEY_PUBLISH_SECONDS: '1' } });
  });
  after(async () => { await tobira?.close(); });

  it('lists the file\'s keys and refuses every lifecycle operation, naming the file', async () => {
    // No admin exists on this store: the bootstrap token acts.
    const listed = await api(tobira.issuer, 'GET', API, undefined, ADMIN_TOKEN);
    assert.equal(listed.status, 200);
    assert.equal(listed.json.source, 'file');
    const kids = keysOf(listed).map((key) => key.kid);
    assert.deepEqual(kids.sort(), await jwksKids(tobira.issuer));
    for (const [path, body] of [[`${API}/generate`, {}], [`${API}/promote`, {}], [`${API}/${kids[0]}/retire`, { immediately: true }]] as const) {
      const refused = await api(tobira.issuer, 'POST', path, body, ADMIN_TOKEN);
      assert.equal(refused.status, 409, path);
      assert.equal(refused.json.error, 'signing_keys_from_file');
      assert.match(String(refused.json.message), /SIGNING_KEYS_FILE/);
    }
    assert.deepEqual(await tobira.signingKeys.runSchedule(), [], 'the schedule leaves the file\'s keys alone');
    assert.deepEqual(await jwksKids(tobira.issuer), kids.sort());
  });
});

describe('JWT access tokens for partners\' APIs across a rotation', function () {
  this.timeout(60_000);
  const ORDERS_API = 'https://orders.shop.example/';
  const BACKEND_SECRET = 'backend-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
  const API_SECRET = 'orders-api-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
  const machine = (clientId: string, secret: string) => ({ client_id: clientId, client_secret: secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' });
  let tobira: RunningTobira;
  let offset = 0;

  before(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tobira-resources-')), 'resources.json');
    writeFileSync(file, JSON.stringify([{ resource: ORDERS_API, name: 'Orders', scopes: ['orders:read'], clients: { 'shop-backend': ['orders:read'] }, introspectedBy: ['orders-api'], accessTokenTtl: 300 }]));
    tobira = await startTobira({
      store: 'memory',
      clients: [machine('shop-backend', BACKEND_SECRET), machine('orders-api', API_SECRET)],
      now: () => Date.now() + offset,
      env: { ADMIN_TOKEN, RESOURCES_FILE: file, SIGNING_KEY_PUBLISH_SECONDS: String(PUBLISH_SECONDS), SIGNING_KEYS_REFRESH_SECONDS: '1' },
    });
  });
  after(async () => { await tobira?.close(); });

  const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  async function apiToken(): Promise<string> {
    const res = await fetch(`${tobira.issuer}/token`, { method: 'POST', headers: { authorization: basic('shop-backend', BACKEND_SECRET), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    const body = await res.json() as { access_token?: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return String(body.access_token);
  }
  async function active(token: string): Promise<boolean> {
    const res = await fetch(`${tobira.issuer}/token/introspection`, { method: 'POST', headers: { authorization: basic('orders-api', API_SECRET), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    return (await res.json() as { active?: boolean }).active === true;
  }
  const call = (method: string, path: string, body?: unknown) => api(tobira.issuer, method, path, body, ADMIN_TOKEN);

  it('the API\'s tokens are signed by the promoted key at once, and tokens signed before still introspect as active until their key is removed', async () => {
    const start = keysOf(await call('GET', API));
    const oldRs = kidIn(start, 'current', 'RS256');
    const before = await apiToken();
    assert.equal(decodeProtectedHeader(before).kid, oldRs);
    assert.equal(decodeProtectedHeader(before).typ, 'at+jwt');

    const generated = await call('POST', `${API}/generate`, {});
    const newRs = kidIn(keysOf(generated), 'next', 'RS256');
    assert.equal(decodeProtectedHeader(await apiToken()).kid, oldRs, 'a next key signs nothing');
    offset += PUBLISH_SECONDS * 1000;
    assert.equal((await call('POST', `${API}/promote`, {})).status, 200);

    const after = await apiToken();
    assert.equal(decodeProtectedHeader(after).kid, newRs);
    assert.equal(await active(before), true, 'verified with the retired key');
    assert.equal(await active(after), true, 'verified with the new key');

    assert.equal((await call('POST', `${API}/${oldRs}/retire`, { immediately: true })).status, 200);
    assert.equal(await active(before), false, 'its key is gone');
    assert.equal(await active(after), true);
  });
});
