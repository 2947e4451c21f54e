// Prometheus metrics on their own listener: what happened shows up under the documented names, the
// listener answers nothing but /metrics, and nothing is collected when METRICS_PORT is unset.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics } from '../../src/metrics/metrics.ts';
import { metricsServer } from '../../src/metrics/metrics-server.ts';
import { loadSettings, PROJECT_ROOT } from '../../src/config/settings.ts';
import { passwordSignIn } from '../support/account-menu.ts';
import { HttpBrowser } from '../support/http-browser.ts';
import { discover, PASSWORD, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { harness, startPushTobira } from '../support/push-harness.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import type { RunningTobira } from '../support/tobira.ts';

/** The value of one sample line, e.g. `tobira_sign_ins_total{method="password",result="failed"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const hasAll = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (hasAll) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics', () => {
  let tobira: RunningTobira;
  let receiver: PushReceiver;
  let metrics: Metrics;
  let server: Server;
  let scrapeUrl: string;
  const h = harness(() => tobira.issuer, () => receiver);

  before(async () => {
    receiver = new PushReceiver();
    await receiver.start();
    metrics = new Metrics();
    tobira = await startPushTobira('memory', {}, { metrics });
    server = metricsServer(metrics);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    scrapeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server?.close();
    await tobira?.close();
    await receiver?.stop();
  });

  async function scrape(): Promise<string> {
    const res = await fetch(`${scrapeUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return res.text();
  }

  it('counts sign-ins by method and result, token grants by type, and store operations', async () => {
    const config = await discover(tobira.issuer);
    const browser = new HttpBrowser();
    const pending = await startAuthorization(config);
    await redeem(config, pending, (await signUpAndConsent(browser, pending, 'metrics@example.com')).url);
    const wrong = await passwordSignIn(config, new HttpBrowser(), 'metrics@example.com', `${PASSWORD}x`);
    assert.equal(wrong.status, 401);
    // A new browser: it stops at the consent page, after the sign-in has counted.
    await passwordSignIn(config, new HttpBrowser(), 'metrics@example.com');

    const text = await scrape();
    assert.equal(sample(text, 'tobira_sign_ins_total', { method: 'password', result: 'failed' }), 1);
    assert.ok((sample(text, 'tobira_sign_ins_total', { method: 'password', result: 'succeeded' }) ?? 0) >= 2, 'the sign-up and the sign-in');
    assert.equal(sample(text, 'tobira_token_grants_total', { grant_type: 'authorization_code', result: 'succeeded' }), 1);
    assert.ok((sample(text, 'tobira_store_operation_seconds_count', { repository: 'accounts', operation: 'findByEmail' }) ?? 0) >= 2);
    assert.ok((sample(text, 'tobira_audit_events_total', { type: 'account.created' }) ?? 0) >= 1);
    assert.ok(sample(text, 'tobira_process_resident_memory_bytes') !== undefined || sample(text, 'tobira_nodejs_heap_size_used_bytes') !== undefined, 'process metrics');
  });

  it('counts a refused token request under its grant type, and an unknown one as other', async () => {
    for (const grant of ['refresh_token', 'made-up-grant']) {
      const res = await fetch(`${tobira.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('partner-web:wrong').toString('base64')}` },
        body: new URLSearchParams({ grant_type: grant, refresh_token: 'x' }),
      });
      assert.ok(res.status >= 400);
    }
    const text = await scrape();
    assert.doesNotMatch(text, /made-up-grant/, 'a client cannot invent label values');
  });

  it('counts push deliveries by push service, decided approvals with their latency, and rate-limit hits', async () => {
    const config = await discover(tobira.issuer);
    const phone = await h.phoneFor(config, 'metrics-push@example.com');
    const pc = await h.pcRequests(config, phone.email);
    const approvalId = String(pc.started.approvalId);
    await receiver.waitFor((message) => (message.payload as { approvalId?: string }).approvalId === approvalId);
    const approved = await h.approveOn(phone, approvalId, String(pc.started.number));
    assert.equal(approved.status, 200, approved.body);

    const text = await scrape();
    assert.equal(sample(text, 'tobira_push_deliveries_total', { service: `127.0.0.1:${receiver.port}`, outcome: 'sent' }), 1);
    assert.equal(sample(text, 'tobira_push_approvals_total', { outcome: 'approved' }), 1);
    assert.equal(sample(text, 'tobira_push_approval_seconds_count', { outcome: 'approved' }), 1);
  });

  it('counts hits against a limit, within the cap and over it', async () => {
    const browser = new HttpBrowser();
    for (let i = 0; i < 4; i += 1) {
      const page = await browser.follow(`${tobira.issuer}/recovery`);
      await browser.submit(page, '/recovery', { accountId: 'lost-phone@example.com', contactEmail: 'me@example.net', message: 'I lost my phone' });
    }
    const text = await scrape();
    assert.equal(sample(text, 'tobira_rate_limit_hits_total', { limit: 'recoveryRequests', result: 'within' }), 3);
    assert.equal(sample(text, 'tobira_rate_limit_hits_total', { limit: 'recoveryRequests', result: 'over' }), 1);
  });

  it('answers only GET /metrics on the metrics listener', async () => {
    assert.equal((await fetch(`${scrapeUrl}/`)).status, 404);
    assert.equal((await fetch(`${scrapeUrl}/metrics`, { method: 'POST' })).status, 404);
  });

  it('is off unless METRICS_PORT is set, and binds to loopback by default', () => {
    const off = loadSettings({ NODE_ENV: 'test' });
    assert.equal(off.metricsPort, null);
    const on = loadSettings({ NODE_ENV: 'test', METRICS_PORT: '9464' });
    assert.equal(on.metricsPort, 9464);
    assert.equal(on.metricsHost, '127.0.0.1');
    assert.throws(() => loadSettings({ NODE_ENV: 'test', METRICS_PORT: '70000' }), /METRICS_PORT/);
  });
});

describe('the Grafana dashboard in the docs', () => {
  it('queries only metrics tobira exports', async () => {
    const dashboard = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'docs/grafana/tobira-dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const exported = new Set((await new Metrics().registry.getMetricsAsJSON()).map((metric) => metric.name));
    assert.ok(dashboard.panels.length >= 8);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        const names = [...expr.matchAll(/\btobira_[a-z0-9_]+/g)].map(([name]) => name.replace(/_(bucket|count|sum)$/, ''));
        assert.ok(names.length > 0, panel.title);
        for (const name of names) assert.ok(exported.has(name), `${panel.title}: ${name} is not exported`);
      }
    }
  });
});
