// Hostile input is normal input: every state-changing endpoint, tobira's own and the provider's,
// gets TOBIRA_FUZZ_REQUESTS (default 1,000) malformed requests, from strangers and from a signed-in
// member with a valid CSRF token alike. None may answer 5xx, none may take longer than 2 s, and none
// may change what the store holds: the only writes allowed are the rate limiter's counts and the
// audit trail, which exist to record exactly such attempts.
//
// The endpoints are read from the mounted routers, so a new endpoint is fuzzed without editing this
// file. Requests are generated from a seeded generator; a failure names the seed and the request.
import assert from 'node:assert/strict';
import { request as httpRequest, Agent } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type Router from '@koa/router';
import { PROJECT_ROOT } from '../../src/config/settings.ts';
import type * as oidc from 'openid-client';
import { csrfOf, member, menuOf, signInPage } from '../support/account-menu.ts';
import type { HttpBrowser } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_SECRET } from '../support/partner.ts';
import { recordingStore, type RecordingStore } from '../support/recording-store.ts';
import { freshStore } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

const REQUESTS = Number(process.env.TOBIRA_FUZZ_REQUESTS ?? 1000);
const SEED = Number(process.env.TOBIRA_FUZZ_SEED ?? 20261206);
/** Requests in flight at once; 1 names the exact request behind each write. */
const CONCURRENCY = Number(process.env.TOBIRA_FUZZ_CONCURRENCY ?? 4);
/** To replay one endpoint: a regular expression its "METHOD /path" must match. */
const ONLY = process.env.TOBIRA_FUZZ_ONLY ? new RegExp(process.env.TOBIRA_FUZZ_ONLY) : undefined;
const SLOWEST_MS = 2000;
const ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdefghijklmnopqrstuvwxyz';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Writes a refused request may make: counting it against a limit, and noting it in the audit trail. */
const ALLOWED_WRITES = new Set(['counters.hit', 'audit.append']);

/**
 * Endpoints that take no input at all: a signed-in member's request with a valid CSRF token is a
 * real request there whatever else it carries (signing out, aborting the sign-in), so they get only
 * the stranger's and the forged requests.
 */
const NO_INPUT = new Set([
  'POST /account/logout', 'POST /interaction/:uid/abort', 'POST /account/browsers/revoke-all', 'POST /account/phone-setup',
  // A ceremony's options need nothing from the browser (sign-in relies on discoverable credentials).
  'POST /account/passkeys/options', 'POST /device/api/setup/options', 'POST /interaction/:uid/passkey/options',
  // An admin's request to generate or promote signing keys is that operation, whatever else it carries.
  'POST /admin/api/keys/generate', 'POST /admin/api/keys/promote',
]);

/** The provider's own endpoints that accept POST (oidc-provider parses these bodies itself). */
const PROVIDER_ENDPOINTS = ['/auth', '/token', '/token/introspection', '/token/revocation', '/backchannel', '/device_authorization', '/activate', '/session/end', '/session/end/confirm', '/me', '/request'];

/**
 * The field names tobira's forms and APIs read: the keys of every zod object schema in src/, so a
 * new field is fuzzed without editing this file; plus the provider's own parameters.
 */
function schemaFieldNames(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(resolve(PROJECT_ROOT, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const source = readFileSync(resolve(PROJECT_ROOT, 'src', file), 'utf8');
    for (const match of source.matchAll(/z\.(?:strict)?[oO]bject\(\{/g)) {
      let depth = 1;
      let at = (match.index ?? 0) + match[0].length;
      const start = at;
      while (depth > 0 && at < source.length) {
        const ch = source[at];
        if (ch === '{') depth += 1;
        if (ch === '}') depth -= 1;
        at += 1;
      }
      const body = source.slice(start, at - 1);
      // Keys at the object's own level: an identifier followed by a colon after a line start, `{` or `,`.
      for (const key of body.matchAll(/(?:^|[{,])\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/gm)) if (key[1]) names.add(key[1]);
    }
  }
  return [...names];
}

const PROVIDER_FIELDS = [
  'user_code', 'xsrf', 'lang', 'returnTo', 'grant_type', 'refresh_token', 'redirect_uri', 'client_id', 'client_secret',
  'code_verifier', 'token', 'token_type_hint', 'scope', 'login_hint', 'auth_req_id', 'device_code', 'id_token_hint',
  'logout', 'post_logout_redirect_uri', 'state', 'request', 'request_uri', 'acr_values', 'prompt', 'resource',
];

const FIELDS = [...new Set([...schemaFieldNames(), ...PROVIDER_FIELDS])];

/** Injection attempts and odd text; alone, some of these are fair names, so each is sent poisoned (below). */
const PAYLOADS = [
  '', 'a\u202Egnp.exe', '<script>alert(1)</script>', "' OR '1'='1' --", '{"$gt":""}', '$where', '../../../../etc/passwd',
  '%00', '%', '\\', '@', 'a@', '@b', 'a@b@c', `x@${'y'.repeat(300)}.example`, 'p@55w0rd'.repeat(32), '😀'.repeat(20),
  '1e309', '-1', '999999999999999999999999', 'NaN', 'Infinity', 'true', 'null', 'undefined', '__proto__', 'constructor',
  '０１２３４５Ａ', 'javascript:alert(1)', '//evil.example', 'http://evil.example/', '\r\nSet-Cookie: x=1', '${7*7}',
  '<%= 7*7 %>', '123456', 'Hanako Yamada',
];

/**
 * What makes any text malformed for every field tobira reads: C0 and C1 control characters. (A lone
 * surrogate is no poison: a form encodes it as U+FFFD, a fair character.)
 */
const POISONS = ['\u0000', '\u0007', '\u001b[2J', '\u007f', '\u0085', '\u009b'];

/** Strings no field accepts: poisoned payloads, blank ones, and ones longer than any field. */
function hostileStrings(): string[] {
  const poisoned = PAYLOADS.flatMap((payload, i) => [`${payload}${POISONS[i % POISONS.length]}`, `${POISONS[(i + 1) % POISONS.length]}${payload}`]);
  return [...poisoned, '', ' ', '\t \n', 'x'.repeat(5001), '😀'.repeat(2000)];
}

const HOSTILE_STRINGS = hostileStrings();

/** JSON values no field accepts. */
const HOSTILE_VALUES: unknown[] = [
  null, true, false, 0, -1, 1e308, [], [''], ['a', 'b'], {}, { $gt: '' }, { $ne: null }, { __proto__: { polluted: 1 } },
  JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: { polluted: 1 } } }, [[[[[[[[[[]]]]]]]]]],
  ...HOSTILE_STRINGS, ...HOSTILE_STRINGS,
];

/** A small, seeded generator (mulberry32), so a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Percent-encoding that also takes lone surrogates (as their WTF-8 bytes, which no server should accept). */
function percentEncoded(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}

interface Endpoint {
  method: string;
  /** The path as mounted, parameters as `:name`. */
  path: string;
  /** Who may call it: tobira's pages (session + CSRF), the operator API (bearer token), the provider (client). */
  kind: 'page' | 'operator' | 'provider';
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface Answer {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  ms: number;
}

/** tobira's default body limit and Node's header limit: a larger request may be refused by closing the connection early. */
const BODY_LIMIT_BYTES = 64 * 1024;
const HEADER_LIMIT_BYTES = 16 * 1024;

function headerBytes(sent: Sent): number {
  return Object.entries(sent.headers).reduce((sum, [name, value]) => sum + name.length + Buffer.byteLength(value) + 4, sent.path.length);
}

function endpointsOf(routers: readonly Router[], kind: Endpoint['kind']): Endpoint[] {
  const found: Endpoint[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (WRITE_METHODS.has(method)) found.push({ method, path: String(layer.path), kind });
      }
    }
  }
  return found;
}

/** Everything a request may carry to look like it comes from someone entitled to make it. */
interface Credentials {
  /** The member's cookies for a path (session, interaction, CSRF cookie). */
  cookiesFor(path: string): Promise<string>;
  csrf: string;
  /** A live interaction of the member's browser, so interaction routes are reached past the uid check. */
  uid: string;
}

class RequestMaker {
  readonly #random: () => number;
  readonly #credentials: Credentials;

  constructor(seed: number, credentials: Credentials) {
    this.#random = generator(seed);
    this.#credentials = credentials;
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T;
  }

  #chance(p: number): boolean {
    return this.#random() < p;
  }

  #hostileSegment(): string {
    return this.#pick([
      percentEncoded(this.#pick(HOSTILE_STRINGS)) || 'x', '..%2F..%2Fadmin', '%2e%2e', '%00', 'x'.repeat(3000),
      'A'.repeat(22), '-', '_', '%E2%80%AE', 'AAAAAAAAAAAAAAAAAAAAAA%00',
    ]);
  }

  #path(endpoint: Endpoint, entitled: boolean): string {
    let path = endpoint.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
      // The member's own interaction, so that the body is what is malformed; other ids are never real.
      if (name === 'uid' && entitled && this.#chance(0.8)) return this.#credentials.uid;
      return this.#hostileSegment();
    });
    if (this.#chance(0.2)) path += `?lang=${percentEncoded(this.#pick(HOSTILE_STRINGS))}&returnTo=${percentEncoded('//evil.example/')}`;
    return path;
  }

  #fields(everyField: boolean): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    // An entitled request carries every field name, so whatever the endpoint reads is malformed.
    const names = everyField || this.#chance(0.5) ? FIELDS : FIELDS.filter(() => this.#chance(0.2));
    for (const name of names) fields[name] = this.#pick(HOSTILE_VALUES);
    return fields;
  }

  #body(fields: Record<string, unknown>, csrf: string | undefined): { type: string | undefined; body: Buffer } {
    const withCsrf = csrf === undefined ? fields : { ...fields, _csrf: csrf };
    switch (this.#pick(['form', 'form', 'json', 'json', 'broken-json', 'deep-json', 'text', 'none', 'multipart', 'huge'] as const)) {
      case 'form': {
        const form = new URLSearchParams();
        for (const [key, value] of Object.entries(withCsrf)) {
          const values = Array.isArray(value) ? value : [value];
          // A form carries only text: a JSON value's text (`null`, `0`, `[]`) can be a fair name, so it is sent poisoned.
          for (const one of values) form.append(this.#chance(0.1) ? `${key}[]` : key, typeof one === 'string' ? one : `${JSON.stringify(one)}\u0007`);
        }
        return { type: 'application/x-www-form-urlencoded', body: Buffer.from(form.toString()) };
      }
      case 'json':
        return { type: this.#pick(['application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/vnd.api+json']), body: Buffer.from(JSON.stringify(withCsrf)) };
      case 'broken-json':
        return { type: 'application/json', body: Buffer.from(JSON.stringify(withCsrf).slice(0, -1 - Math.floor(this.#random() * 20))) };
      case 'deep-json':
        return { type: 'application/json', body: Buffer.from(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`) };
      case 'text':
        return { type: this.#pick(['text/plain', 'application/xml', 'application/octet-stream']), body: Buffer.from(this.#pick(HOSTILE_STRINGS)) };
      case 'none':
        return { type: undefined, body: Buffer.alloc(0) };
      case 'multipart':
        return { type: 'multipart/form-data; boundary=x', body: Buffer.from(`--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n${this.#pick(HOSTILE_STRINGS)}\r\n--x--`) };
      case 'huge':
        return { type: 'application/x-www-form-urlencoded', body: Buffer.from(`password=${'a'.repeat(70 * 1024)}`) };
    }
  }

  /** One malformed request: from a stranger, with forged cookies, without or with a wrong CSRF token, or entitled but malformed. */
  async make(endpoint: Endpoint): Promise<Sent> {
    const who = (endpoint.kind === 'page' || endpoint.kind === 'operator') && NO_INPUT.has(`${endpoint.method} ${endpoint.path}`)
      ? this.#pick(['stranger', 'forged', 'no-csrf', 'wrong-csrf'] as const)
      : this.#pick(['stranger', 'forged', 'no-csrf', 'wrong-csrf', 'entitled', 'entitled', 'entitled', 'entitled'] as const);
    const entitled = who === 'entitled';
    const path = this.#path(endpoint, entitled || who === 'no-csrf' || who === 'wrong-csrf');
    const headers: Record<string, string> = { accept: this.#pick(['text/html', 'application/json', '*/*']), 'accept-language': this.#pick(['ja', 'en', 'xx', '*;q=x']) };
    if (this.#chance(0.1)) headers['user-agent'] = 'A'.repeat(16_000);
    if (this.#chance(0.05)) headers['x-forwarded-for'] = this.#pick([...PAYLOADS.filter((s) => /^[\x20-\x7e]+$/.test(s)), '999.1.1.1', '::ffff:', '1.2.3.4, 5.6.7.8']);
    if (this.#chance(0.05)) headers['content-encoding'] = 'gzip';

    let csrf: string | undefined;
    if (endpoint.kind === 'page') {
      const cookies = await this.#credentials.cookiesFor(path.split('?')[0] ?? path);
      if (who === 'forged') headers.cookie = cookies.replace(/=([^;]*)/g, (_m, value: string) => `=${value.slice(0, -2)}xy`);
      else if (who !== 'stranger' && cookies) headers.cookie = cookies;
      if (entitled) csrf = this.#credentials.csrf;
      if (who === 'wrong-csrf') csrf = this.#pick([`${this.#credentials.csrf}x`, 'x', '']);
      if (csrf !== undefined && this.#chance(0.5)) headers['x-csrf-token'] = csrf;
    } else if (endpoint.kind === 'operator') {
      if (entitled) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
      else if (who !== 'stranger') headers.authorization = this.#pick([`Bearer ${ADMIN_TOKEN}x`, 'Bearer', 'Basic Zm9vOmJhcg==', `bearer ${'a'.repeat(5000)}`]);
    } else if (entitled) {
      headers.authorization = `Basic ${Buffer.from(`partner-web:${PARTNER_SECRET}`).toString('base64')}`;
    } else if (who !== 'stranger') {
      headers.authorization = this.#pick(['Basic Zm9vOmJhcg==', 'Basic !!!', `Basic ${Buffer.from('partner-web:wrong').toString('base64')}`]);
    }
    const { type, body } = this.#body(this.#fields(entitled), csrf);
    if (type) headers['content-type'] = type;
    return { method: endpoint.method, path, headers, body };
  }
}

function send(port: number, agent: Agent, sent: Sent): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, agent, method: sent.method, path: sent.path, headers: { ...sent.headers, 'content-length': String(sent.body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', reject);
    });
    // A server that refuses early may close before the whole body is written; that is an answer too.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') resolve({ status: 0, ms: performance.now() - started });
      else reject(err);
    });
    req.end(sent.body);
  });
}

function describeRequest(sent: Sent): string {
  const headers = Object.entries(sent.headers).map(([k, v]) => `${k}: ${v.length > 120 ? `${v.slice(0, 120)}…(${v.length})` : v}`).join('\n  ');
  const body = sent.body.toString('utf8');
  return `${sent.method} ${sent.path.slice(0, 300)}\n  ${headers}\n  body: ${body.length > 400 ? `${body.slice(0, 400)}…(${body.length} bytes)` : body}`;
}

describe('every state-changing endpoint under hostile input (memory store)', function () {
  let recorder: RecordingStore;
  let tobira: RunningTobira;
  let config: oidc.Configuration;
  let browser: HttpBrowser;
  let credentials: Credentials;
  let agent: Agent;
  const endpoints: Endpoint[] = [];
  /** The ids of the member's browser sessions, as stored before the fuzzing. */
  const memberSessions = new Set<string>();

  before(async () => {
    recorder = recordingStore(await freshStore('memory'));
    tobira = await startTobira({ store: recorder.store, clients: [partnerClient({ grant_types: ['authorization_code', 'refresh_token'] })], env: { ADMIN_TOKEN } });
    config = await discover(tobira.issuer);
    const signedIn = await member(tobira.issuer, config, 'fuzz@example.com');
    browser = signedIn.browser;
    for (const { id } of await recorder.store.oidc('Session').listByAccountId(signedIn.accountId)) memberSessions.add(id);
    const csrf = csrfOf(await menuOf(tobira.issuer, browser));
    const { uid } = await signInPage(config, browser, { prompt: 'login' });
    const jar = browser.jar;
    credentials = { csrf, uid, cookiesFor: (path) => jar.getCookieString(new URL(path, tobira.issuer).href) };
    agent = new Agent({ keepAlive: true, maxSockets: 4 });
    endpoints.push(
      ...endpointsOf(tobira.routes.routers, 'page'),
      ...endpointsOf(tobira.routes.operatorApi.routers, 'operator'),
      ...PROVIDER_ENDPOINTS.map((path) => ({ method: 'POST', path, kind: 'provider' as const })),
    );
  });

  after(async () => {
    agent?.destroy();
    await tobira?.close();
    await recorder?.store.close();
  });

  it('finds the fields the forms read in the schemas', () => {
    for (const field of ['email', 'password', 'code', 'accountId', 'contactEmail', 'message', 'subscription', 'response', 'name']) {
      assert.ok(FIELDS.includes(field), `${field} is fuzzed`);
    }
  });

  it('finds the endpoints to fuzz in the mounted routers', () => {
    const pages = endpoints.filter((e) => e.kind === 'page');
    assert.ok(pages.length >= 40, `only ${pages.length} state-changing page endpoints found`);
    assert.ok(endpoints.some((e) => e.kind === 'operator'), 'the operator API is walked too');
    for (const known of ['POST /interaction/:uid/password', 'POST /password-reset/code', 'POST /account/profile/name']) {
      assert.ok(endpoints.some((e) => `${e.method} ${e.path}` === known), `${known} is among them`);
    }
  });

  it('answers every endpoint without a 5xx, within 2 s, and changes nothing', async function () {
    this.timeout(0);
    // What went wrong, once per endpoint and kind of fault, with the first request that showed it.
    const faults = new Map<string, { count: number; example: string }>();
    const fault = (endpoint: Endpoint, what: string, sent: Sent): void => {
      const key = `${endpoint.method} ${endpoint.path}: ${what}`;
      const known = faults.get(key);
      if (known) known.count += 1;
      else faults.set(key, { count: 1, example: describeRequest(sent) });
    };
    const slowest = { ms: 0, what: '' };
    for (const [index, endpoint] of endpoints.entries()) {
      if (ONLY && !ONLY.test(`${endpoint.method} ${endpoint.path}`)) continue;
      const maker = new RequestMaker(SEED + index, credentials);
      let next = 0;
      // A few requests in flight at once, as a real flood would send them.
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          next += 1;
          const sent = await maker.make(endpoint);
          const before = recorder.writes.length;
          const answer = await send(tobira.port, agent, sent);
          const refusedUnread = answer.status === 0 && (sent.body.length > BODY_LIMIT_BYTES || headerBytes(sent) > HEADER_LIMIT_BYTES - 256);
          if (answer.status >= 500) fault(endpoint, `answered ${answer.status}`, sent);
          if (answer.status === 0 && !refusedUnread) fault(endpoint, 'closed the connection without an answer', sent);
          if (answer.ms > SLOWEST_MS) fault(endpoint, `took longer than ${SLOWEST_MS} ms`, sent);
          if (answer.ms > slowest.ms) Object.assign(slowest, { ms: answer.ms, what: `${endpoint.method} ${endpoint.path}` });
          // With requests in flight together, a write is put down to this endpoint; the example may be a
          // neighbour (TOBIRA_FUZZ_CONCURRENCY=1 names the very request).
          for (const write of recorder.writes.slice(before)) {
            const name = `${write.repository}.${write.method}`;
            // oidc-provider keeps the member's own browser session up to date on every request that
            // carries it; that is the one record a refused request may touch, and only that record.
            const ownSession = name === 'oidc:Session.upsert' && write.key !== undefined && memberSessions.has(write.key);
            if (!ALLOWED_WRITES.has(name) && !ownSession) fault(endpoint, `wrote ${name}`, sent);
          }
        }
      }));
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
    const report = [...faults].map(([key, { count, example }]) => `${key} (${count}×), e.g.\n${example}`);
    assert.deepEqual(report, [], `faults over ${endpoints.length} endpoints × ${REQUESTS} requests (seed ${SEED}; slowest ${Math.round(slowest.ms)} ms at ${slowest.what})`);
  });

  it('leaves the member signed in with the account as it was', async () => {
    const account = await recorder.store.accounts.findByEmail('fuzz@example.com');
    assert.equal(account?.name, 'Hanako Yamada', 'the name is unchanged');
    const menu = await menuOf(tobira.issuer, browser);
    assert.match(menu.body, /fuzz@example\.com/);
    assert.match(menu.body, /Hanako Yamada/);
  });
});
