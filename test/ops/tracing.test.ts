// OpenTelemetry tracing, end to end: a real tobira process sends OTLP/HTTP to a collector played by
// a loopback server. A request is one server span named by its route, with the store calls it made
// as child spans; a trusted caller's traceparent is followed; nothing a request carried in its
// path or query (interaction ids, state, codes) reaches the collector; a bad endpoint stops the start.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../support/ports.ts';
import { runMain, startMain } from '../support/processes.ts';

interface OtlpAttribute { key: string; value: { stringValue?: string; intValue?: string | number } }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes: OtlpAttribute[] }
interface OtlpExport { resourceSpans: Array<{ resource: { attributes: OtlpAttribute[] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> }

class Collector {
  readonly exports: OtlpExport[] = [];
  readonly bodies: string[] = [];
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') {
          this.bodies.push(body);
          this.exports.push(JSON.parse(body) as OtlpExport);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  spans(): OtlpSpan[] {
    return this.exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => { if (this.#server) this.#server.close(() => resolve()); else resolve(); });
  }
}

function attribute(span: OtlpSpan, key: string): string | number | undefined {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
}

describe('tracing (OpenTelemetry, OTLP/HTTP)', () => {
  let collector: Collector;
  beforeEach(async () => { collector = new Collector(); });
  afterEach(() => collector.stop());

  it('sends a server span per request, its store calls as children, following a trusted traceparent', async () => {
    const endpoint = await collector.start();
    const port = await freePort();
    const issuer = `http://localhost:${port}`;
    const main = await startMain({ NODE_ENV: 'development', PORT: String(port), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'tobira-under-test', TRUST_PROXY: 'true' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { traceparent: `00-${traceId}-${callerSpan}-01` } });
    assert.equal(discovery.status, 200);
    const state = 'state-that-must-stay-private-1234';
    const authorize = new URL(`${issuer}/auth`);
    Object.entries({ client_id: 'tobira-demo', response_type: 'code', scope: 'openid', redirect_uri: `${issuer}/demo/callback`, state, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })
      .forEach(([k, v]) => authorize.searchParams.set(k, v));
    const started = await fetch(authorize, { redirect: 'manual' });
    assert.equal(started.status, 303, await started.text());
    const interactionPath = new URL(started.headers.get('location') ?? '', issuer).pathname;
    const page = await fetch(`${issuer}${interactionPath}`, { headers: { cookie: (started.headers.getSetCookie()).map((c) => c.split(';')[0]).join('; ') } });
    assert.equal(page.status, 200);
    assert.equal(await main.stop(), 0, main.output());

    const resource = collector.exports[0]?.resourceSpans[0]?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
    assert.equal(resource, 'tobira-under-test');
    const spans = collector.spans();
    const discoverySpan = spans.find((s) => s.name.startsWith('GET ') && attribute(s, 'http.route') === '/.well-known/openid-configuration');
    assert.ok(discoverySpan, `no discovery span in ${spans.map((s) => s.name).join(', ')}`);
    assert.equal(discoverySpan.kind, 2, 'a server span');
    assert.equal(discoverySpan.traceId, traceId, 'the caller\'s trace is continued');
    assert.equal(discoverySpan.parentSpanId, callerSpan);
    assert.equal(attribute(discoverySpan, 'http.response.status_code'), 200);

    const authSpan = spans.find((s) => attribute(s, 'http.route') === '/auth');
    assert.ok(authSpan, `no authorization span in ${spans.map((s) => s.name).join(', ')}`);
    assert.notEqual(authSpan.traceId, traceId, 'a request without traceparent starts its own trace');
    const storeChildren = spans.filter((s) => s.parentSpanId === authSpan.spanId && s.name.startsWith('store '));
    assert.ok(storeChildren.some((s) => s.name === 'store oidc:Interaction.upsert' && attribute(s, 'db.system.name') === 'memory'), `store spans: ${storeChildren.map((s) => s.name).join(', ')}`);
    assert.ok(storeChildren.every((s) => s.kind === 3), 'store calls are client spans');

    const interactionSpan = spans.find((s) => s.name === 'GET /interaction/:uid');
    assert.ok(interactionSpan, `no interaction page span in ${spans.map((s) => s.name).join(', ')}`);
    const interactionId = interactionPath.split('/').pop() ?? '';
    assert.ok(interactionId.length > 10);
    for (const body of collector.bodies) {
      assert.ok(!body.includes(state), 'the state parameter reached the collector');
      assert.ok(!body.includes(interactionId), 'the interaction id reached the collector');
    }
  });

  it('does not follow a traceparent from an untrusted caller (no TRUST_PROXY)', async () => {
    const endpoint = await collector.start();
    const port = await freePort();
    const main = await startMain({ NODE_ENV: 'development', PORT: String(port), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    await fetch(`http://localhost:${port}/healthz`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
    await fetch(`http://localhost:${port}/static/styles.css`);
    assert.equal(await main.stop(), 0, main.output());
    const spans = collector.spans();
    const health = spans.find((s) => attribute(s, 'http.route') === '/healthz');
    assert.ok(health, `no /healthz span in ${spans.map((s) => s.name).join(', ')}`);
    assert.notEqual(health.traceId, traceId);
    assert.equal(health.parentSpanId ?? '', '');
    assert.ok(spans.some((s) => s.name === 'GET /static/*'), 'a path no router matched is named by its first segment only');
  });

  it('refuses to start with an endpoint that is not an http(s) URL, and says which setting', async () => {
    const exited = await runMain({ NODE_ENV: 'development', PORT: String(await freePort()), OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
    assert.equal(exited.code, 1);
    assert.match(exited.stderr, /OTEL_EXPORTER_OTLP_ENDPOINT/);
    assert.match(exited.stderr, /is not an http\(s\) URL/);
  });
});
