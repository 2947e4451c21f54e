// The enrolment link's secret never reaches tobira's log: tobira runs with every log line captured
// (at the most verbose level) through a whole phone change by contact codes — the hand-over of the
// link, its page, a wrong secret, the registration options and the registration — and the secret
// appears in no line, while the lines for each of those requests are there.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { pino } from 'pino';
import { buildApp } from '../../src/app/app.ts';
import { loadSettings } from '../../src/config/settings.ts';
import type { Store } from '../../src/store/types.ts';
import { HttpBrowser, type Page } from '../support/http-browser.ts';
import { SmsSink } from '../support/sms-sink.ts';
import { SmtpSink } from '../support/smtp-sink.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { freshStore, FEATURE_STORES } from '../support/stores.ts';

function jsonOf(page: Page): Record<string, unknown> {
  return JSON.parse(page.body) as Record<string, unknown>;
}

interface RequestLine {
  msg: string;
  method?: string;
  path?: string;
  status?: number;
}

for (const kind of FEATURE_STORES) {
  describe(`enrolment link secret in the logs (${kind} store)`, function () {
    this.timeout(30_000);
    const lines: string[] = [];
    let store: Store;
    let server: Server;
    let issuer: string;
    let sink: SmtpSink;
    let sms: SmsSink;

    before(async () => {
      sink = new SmtpSink();
      sms = new SmsSink();
      const [smtp, hook] = await Promise.all([sink.start(), sms.start()]);
      store = await freshStore(kind);
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      // Mail and SMS go out for real: without SMTP_URL / SMS_HOOK_URL they would be logged on purpose.
      const settings = loadSettings({ NODE_ENV: 'test', PORT: String(port), LOG_LEVEL: 'trace', DEMO: 'false', SMTP_URL: smtp, SMS_HOOK_URL: hook });
      const logger = pino({ level: 'trace', base: { service: 'tobira' } }, { write: (line: string) => { lines.push(line); } });
      const { app } = await buildApp(settings, store, logger);
      server.on('request', app.callback());
      issuer = settings.issuer;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await Promise.all([sink.stop(), sms.stop()]);
    });

    it('a whole phone change with its enrolment link writes the secret to no log line', async () => {
      const at = new Date();
      const created = await store.accounts.create({ email: `logged.${kind}@example.com`, emailVerified: true, name: 'Logged', passwordHash: null });
      await store.accounts.setContact(created.id, 'email', { value: `contact.logged.${kind}@example.net`, verifiedAt: at }, at);
      await store.accounts.setContact(created.id, 'mobile', { value: '+819011112222', verifiedAt: at }, at);

      const browser = new HttpBrowser();
      const mails = sink.messages.length;
      const texts = sms.messages.length;
      const start = await browser.request(`${issuer}/phone-change`);
      const codes = await browser.submit(start, '/phone-change/start', { account: created.email });
      assert.equal(codes.status, 200, codes.body);
      const email = await sink.codeFor(`contact.logged.${kind}@example.net`, mails);
      const mobile = await sms.codeFor('+819011112222', texts);
      const handOver = await browser.submit(codes, '/phone-change/codes', { email_code: email, mobile_code: mobile }, `${issuer}/enrol/`);
      assert.equal(handOver.status, 303);
      const link = new URL(handOver.url);
      const secret = link.hash.slice(1);
      const ticketId = link.pathname.slice('/enrol/'.length);
      assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
      assert.match(ticketId, /^[A-Za-z0-9_-]{22}$/);

      // What the new phone's browser sends: the page without the fragment, the secret in JSON bodies.
      const page = await browser.request(`${issuer}${link.pathname}`);
      assert.equal(page.status, 200);
      const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const post = (step: string, body: unknown): Promise<Page> => browser.request(`${issuer}${link.pathname}/${step}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf } });
      const wrong = await post('options', { secret: (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1) });
      assert.equal(jsonOf(wrong).error, 'enrolment_link_invalid');
      const key = new SoftAuthenticator({ alg: 'ES256', origin: issuer, rpId: 'localhost' });
      const options = jsonOf(await post('options', { secret })).options as PublicKeyCredentialCreationOptionsJSON;
      const notices = sink.messages.length;
      const done = await post('verify', { secret, response: key.register(options) });
      assert.equal(done.status, 200, done.body);
      assert.equal((await store.passkeys.listByAccount(created.id)).length, 1);
      // The notices go out after the answer; their delivery is logged too, if at all.
      await sink.latestTo(created.email, notices);
      const replay = await browser.request(`${issuer}${link.pathname}`);
      assert.equal(replay.status, 410);

      const requests = lines.map((line) => JSON.parse(line) as RequestLine).filter((line) => line.msg === 'request');
      const seen = (method: string, path: string, status: number): boolean => requests.some((r) => r.method === method && r.path === path && r.status === status);
      assert.ok(seen('POST', '/phone-change/codes', 303), 'the hand-over was logged');
      assert.ok(seen('GET', `/enrol/${ticketId}`, 200), 'the page was logged');
      assert.ok(seen('POST', `/enrol/${ticketId}/options`, 410), 'the wrong secret was logged');
      assert.ok(seen('POST', `/enrol/${ticketId}/options`, 200), 'the options were logged');
      assert.ok(seen('POST', `/enrol/${ticketId}/verify`, 200), 'the registration was logged');
      assert.ok(seen('GET', `/enrol/${ticketId}`, 410), 'the used link was logged');
      const leaks = lines.filter((line) => line.includes(secret));
      assert.deepEqual(leaks, [], 'no log line holds the secret');
    });
  });
}
