// Requests that reach the edge in odd shapes (issue 10, rows 9, 12, 13, 14): a device-code form
// posted without a session, a path that looks like another host, a forged Host header, and caching
// of what carries personal data. Each is answered with a clear code, never a 500, and never with a
// link or URL that leaves the issuer.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { buildApp } from '../../src/app/app.ts';
import { loadSettings } from '../../src/config/settings.ts';
import { partnerClient } from '../support/partner.ts';
import { FEATURE_STORES, freshStore } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

const TV_CLIENT = { client_id: 'tv-app', client_name: 'TV', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'none' };

interface RawAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A request exactly as written: the path is not normalised, the Host header is whatever we say. */
function raw(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { accept: 'text/html', 'accept-language': 'en', ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Every href and action of a page. */
function linksOf(html: string): string[] {
  return [...html.matchAll(/(?:href|action)="([^"]*)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));
}

for (const kind of FEATURE_STORES) {
  describe(`odd requests at the edge (${kind} store)`, function () {
    this.timeout(30_000);
    let tobira: RunningTobira;

    before(async () => {
      tobira = await startTobira({ store: kind, clients: [partnerClient(), TV_CLIENT], env: { TRUST_PROXY: 'true', ADMIN_TOKEN: 'admin-token-0123456789-abcdefghijklmnopqrstuvwxyz' } });
    });
    after(() => tobira.close());

    it('POST /activate without a session answers 400 with a clear code, not 500, and logs no error', async () => {
      // tobira with a log we can read: nothing at error level (pino level 50) may come of this.
      const lines: Array<{ level: number; msg: string }> = [];
      const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(...chunk.toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string })); done(); } });
      const store = await freshStore(kind);
      const server: Server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      const settings = loadSettings({ NODE_ENV: 'test', PORT: String(port), DEMO: 'false', LOG_LEVEL: 'info' });
      const { app } = await buildApp(settings, store, pino({ level: 'info' }, sink));
      server.on('request', app.callback());
      try {
        for (const cookie of [undefined, '_session=unknown; _session.sig=forged']) {
          const res = await raw(port, '/activate', {
            method: 'POST',
            body: 'xsrf=x&user_code=BCDF-GHJK',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
          });
          assert.equal(res.status, 400, res.body);
          assert.match(res.body, /data-code="activation_expired"/);
          assert.match(res.body, /open \/activate again/, 'the page says where to start again');
        }
        const json = await raw(port, '/activate', { method: 'POST', body: 'xsrf=x', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } });
        assert.equal(json.status, 400);
        assert.equal((JSON.parse(json.body) as { error: string }).error, 'activation_expired');
        assert.ok(lines.some((line) => line.msg === 'refused'), 'the refusal is logged, at info level');
        assert.deepEqual(lines.filter((line) => line.level >= 50), [], 'nothing at error level');
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
      }
    });

    it('the language link of any page stays on this site, whatever the path looks like', async () => {
      for (const path of ['//evil.example/x', '//evil.example', '/\\evil.example/x', '/%2F%2Fevil.example/x', '/nowhere?lang=ja&a=1']) {
        const res = await raw(tobira.port, path);
        assert.ok(res.status < 500, `${path}: ${res.status}`);
        const lang = /<a class="lang" href="([^"]*)"/.exec(res.body)?.[1]?.replaceAll('&amp;', '&');
        assert.ok(lang !== undefined, `${path}: no language link`);
        assert.match(lang, /^\?/, `${path}: the link is query-only, so it keeps the page's own address: ${lang}`);
        for (const link of linksOf(res.body)) {
          assert.doesNotMatch(link, /^(\/\/|\/\\|[a-z]+:)|evil\.example/i, `${path}: ${link}`);
        }
      }
      const kept = await raw(tobira.port, '/nowhere?lang=ja&a=1');
      assert.match(kept.body, /<a class="lang" href="\?lang=en&amp;a=1"/, 'the other query parameters are kept');
    });

    it('discovery names the configured issuer\'s URLs whatever Host, X-Forwarded-Host or request target says, and may be cached briefly', async () => {
      const issuer = new URL(tobira.issuer);
      for (const [path, headers] of [
        ['/.well-known/openid-configuration', { host: 'evil.example' }],
        ['/.well-known/openid-configuration', { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }],
        [`http://evil.example/.well-known/openid-configuration`, {}],
      ] as const) {
        const res = await raw(tobira.port, path, { headers: { accept: 'application/json', ...headers } });
        assert.equal(res.status, 200, res.body);
        const metadata = JSON.parse(res.body) as Record<string, unknown>;
        assert.equal(metadata.issuer, tobira.issuer);
        const urls = Object.entries(metadata).filter(([, value]) => typeof value === 'string' && /^https?:/.test(value));
        assert.ok(urls.length >= 8, 'the endpoints are absolute URLs');
        for (const [name, value] of urls) assert.equal(new URL(String(value)).origin, issuer.origin, `${name}: ${String(value)}`);
        assert.equal(res.headers['cache-control'], 'public, max-age=300');
      }
      const jwks = await raw(tobira.port, '/jwks', { headers: { accept: 'application/json', host: 'evil.example' } });
      assert.equal(jwks.status, 200);
      assert.equal(jwks.headers['cache-control'], 'public, max-age=300');
      // A device code's verification URI too (it is shown on the TV and in its QR code).
      const device = await raw(tobira.port, '/device_authorization', {
        method: 'POST', body: 'client_id=tv-app&scope=openid',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', host: 'evil.example', 'x-forwarded-host': 'evil.example' },
      });
      assert.equal(device.status, 200, device.body);
      const started = JSON.parse(device.body) as { verification_uri: string; verification_uri_complete: string };
      assert.equal(started.verification_uri, `${tobira.issuer}/activate`);
      assert.ok(started.verification_uri_complete.startsWith(`${tobira.issuer}/activate?user_code=`), started.verification_uri_complete);
    });

    it('discovery does not claim the CIBA user_code parameter that is refused', async () => {
      const metadata = JSON.parse((await raw(tobira.port, '/.well-known/openid-configuration', { headers: { accept: 'application/json' } })).body) as Record<string, unknown>;
      assert.equal(metadata.backchannel_user_code_parameter_supported, false);
    });

    it('JSON answers are not stored by caches (no-store), errors included', async () => {
      for (const path of ['/healthz', '/device/api/approvals', '/interaction/nope/push/x', '/account/api/nothing']) {
        const res = await raw(tobira.port, path, { headers: { accept: 'application/json' } });
        if (!String(res.headers['content-type']).includes('json')) continue;
        assert.equal(res.headers['cache-control'], 'no-store', `${path} (${res.status})`);
      }
      const operator = await raw(tobira.port, '/admin/api/recovery-requests', { headers: { accept: 'application/json', authorization: 'Bearer admin-token-0123456789-abcdefghijklmnopqrstuvwxyz' } });
      assert.equal(operator.status, 200, operator.body);
      assert.equal(operator.headers['cache-control'], 'no-store', 'the operator API lists people\'s requests');
      const error = await raw(tobira.port, '/device/api/approvals', { headers: { accept: 'application/json' } });
      assert.equal(error.status, 401);
      assert.equal(error.headers['cache-control'], 'no-store');
    });

    it('strangers cannot grow the audit store without bound: texts are cut, events about no account capped per address', async () => {
      const userAgent = `Mozilla/5.0 ${'x'.repeat(8000)}`;
      const path = `/admin/api/${'p'.repeat(4000)}`;
      const before = (await tobira.store.audit.list({ type: 'admin.unauthorized', limit: 1000 })).length;
      for (let i = 0; i < 110; i += 1) {
        const res = await raw(tobira.port, path, { headers: { accept: 'application/json', 'user-agent': userAgent, 'x-forwarded-for': '198.51.100.7', authorization: 'Bearer wrong' } });
        assert.equal(res.status, 401, 'every request is still refused as before');
      }
      const other = await raw(tobira.port, '/admin/api/x', { headers: { accept: 'application/json', 'x-forwarded-for': '198.51.100.8' } });
      assert.equal(other.status, 401);
      const events = (await tobira.store.audit.list({ type: 'admin.unauthorized', limit: 1000 })).slice(0, -before || undefined);
      const fromFirst = events.filter((event) => event.ip === '198.51.100.7');
      assert.equal(fromFirst.length, 100, 'auditUnauthenticated: 100 events per address and hour');
      assert.equal(events.filter((event) => event.ip === '198.51.100.8').length, 1, 'another address is counted apart');
      for (const event of fromFirst) {
        assert.ok((event.userAgent ?? '').length <= 513, `User-Agent of ${String(event.userAgent?.length)} characters`);
        assert.ok(String(event.details.path).length <= 513, `path of ${String(event.details.path).length} characters`);
      }
      assert.ok(fromFirst[0]?.userAgent?.startsWith('Mozilla/5.0 xxx'), 'the start is kept');
    });

    it('keeps every event of an operator who proved who it is, even from an address past the strangers\' cap', async () => {
      // 198.51.100.7 spent its hundred events about no account in the test above.
      for (const id of ['capped-1', 'capped-2']) {
        const res = await raw(tobira.port, '/admin/api/clients', {
          method: 'POST',
          headers: { accept: 'application/json', 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7', authorization: 'Bearer admin-token-0123456789-abcdefghijklmnopqrstuvwxyz' },
          body: JSON.stringify({ metadata: { client_id: id, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' } }),
        });
        assert.equal(res.status, 201, res.body);
      }
      const created = (await tobira.store.audit.list({ type: 'client.created', limit: 100 })).filter((event) => event.ip === '198.51.100.7');
      assert.deepEqual(created.map((event) => event.details.clientId).sort(), ['capped-1', 'capped-2']);
    });
  });
}
