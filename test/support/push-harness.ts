// Push sign-in over HTTP as a native app and a browser would drive it: a phone set up through the
// /device JSON API with a software authenticator, a PC asking it, the phone answering.
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type * as oidc from 'openid-client';
import { HttpBrowser, type Page } from './http-browser.ts';
import { discover, partnerClient, redeem, signUpAndConsent, startAuthorization } from './partner.ts';
import type { Metrics } from '../../src/metrics/metrics.ts';
import { PushReceiver, testTls } from './push-receiver.ts';
import type { Store } from '../../src/store/types.ts';
import { freshStore, type StoreKind } from './stores.ts';
import { SmtpSink } from './smtp-sink.ts';
import { startTobira, type RunningTobira } from './tobira.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

export function jsonOf(page: Page): Record<string, unknown> {
  return JSON.parse(page.body) as Record<string, unknown>;
}

export interface Phone {
  email: string;
  browser: HttpBrowser;
  key: SoftAuthenticator;
  csrf: string;
}

export interface PcRequest {
  browser: HttpBrowser;
  uid: string;
  csrf: string;
  started: Record<string, unknown>;
}

/** `issuer` may change per test; `receiver` makes the phones' push subscriptions. */
export function harness(issuerOf: () => string, receiver: () => PushReceiver) {
  const issuer = issuerOf;

  async function postJson(browser: HttpBrowser, path: string, body: unknown, csrf: string): Promise<Page> {
    return browser.request(`${issuer()}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf } });
  }

  /**
   * An account (password sign-up) whose phone is set up through the JSON API a native app would use,
   * from /device in `lang` when given (the phone's language, kept per device); `token` names its
   * push subscription at the receiver.
   */
  async function phoneFor(config: oidc.Configuration, email: string, lang?: 'ja' | 'en'): Promise<Phone & { token: string }> {
    const browser = new HttpBrowser();
    const pending = await startAuthorization(config);
    await redeem(config, pending, (await signUpAndConsent(browser, pending, email)).url);
    const page = await browser.follow(`${issuer()}/device${lang ? `?lang=${lang}` : ''}`);
    const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const key = new SoftAuthenticator({ alg: 'ES256', origin: issuer(), rpId: 'localhost' });
    const options = jsonOf(await postJson(browser, '/device/api/setup/options', {}, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
    assert.equal(options.authenticatorSelection?.authenticatorAttachment, 'platform');
    const { token, subscription } = receiver().createSubscription();
    const done = await postJson(browser, '/device/api/setup', { name: 'phone', subscription, response: key.register(options) }, csrf);
    assert.equal(done.status, 200, done.body);
    return { email, browser, key, csrf, token };
  }

  /** A partner's sign-in opened in `browser`: the sign-in page's interaction uid and CSRF token. */
  async function signInPage(config: oidc.Configuration, browser: HttpBrowser, params: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<{ uid: string; csrf: string; body: string }> {
    const login = await browser.follow((await startAuthorization(config, params)).url.href, { headers });
    return { uid: /data-uid="([^"]+)"/.exec(login.body)?.[1] ?? '', csrf: /data-csrf="([^"]+)"/.exec(login.body)?.[1] ?? '', body: login.body };
  }

  async function pcRequests(config: oidc.Configuration, email: string, browser = new HttpBrowser()): Promise<PcRequest> {
    const { uid, csrf } = await signInPage(config, browser);
    const page = await postJson(browser, `/interaction/${uid}/push`, { email }, csrf);
    return { browser, uid, csrf, started: page.status === 200 ? jsonOf(page) : { error: jsonOf(page).error, status: page.status } };
  }

  async function approveOn(phone: Phone, approvalId: string, number: string): Promise<Page> {
    const options = await postJson(phone.browser, `/device/api/approvals/${approvalId}/options`, { number }, phone.csrf);
    if (options.status !== 200) return options;
    const response = phone.key.authenticate(jsonOf(options).options as PublicKeyCredentialRequestOptionsJSON);
    return postJson(phone.browser, `/device/api/approvals/${approvalId}/approve`, { number, response }, phone.csrf);
  }

  async function statusOn(pc: PcRequest, approvalId: string): Promise<string> {
    return String(jsonOf(await pc.browser.request(`${issuer()}/interaction/${pc.uid}/push/${approvalId}`, { headers: { accept: 'application/json' } })).status);
  }

  return { postJson, phoneFor, signInPage, pcRequests, approveOn, statusOn };
}


/** tobira on a store, with the push receiver's loopback endpoints allowed and its CA trusted. */
export function startPushTobira(store: StoreKind | Store, env: Record<string, string> = {}, extra: { clients?: unknown[]; now?: () => number; metrics?: Metrics } = {}): Promise<RunningTobira> {
  return startTobira({
    store,
    clients: extra.clients ?? [partnerClient()],
    env: { PUSH_ENDPOINT_HOSTS: '127.0.0.1', PUSH_CA_FILE: testTls().caFile, ...env },
    ...(extra.now ? { now: extra.now } : {}),
    ...(extra.metrics ? { metrics: extra.metrics } : {}),
  });
}

export interface PushSuiteOptions {
  /** The suite's clock, for the store and tobira both. */
  now?: () => number;
  /** An SMTP sink of the suite's own, as tobira's SMTP_URL. */
  smtp?: boolean;
  env?: Record<string, string>;
  clients?: unknown[];
}

export interface PushSuite {
  readonly store: Store;
  readonly tobira: RunningTobira;
  readonly receiver: PushReceiver;
  /** The partner's discovered configuration. */
  readonly config: oidc.Configuration;
  /** Only with `smtp: true`. */
  readonly smtp: SmtpSink;
  readonly h: ReturnType<typeof harness>;
}

/**
 * The set-up every push suite shares, as mocha hooks of the calling describe(): a push receiver (and
 * an SMTP sink when asked), a fresh store of `kind` on the suite's clock, tobira on it, the partner's
 * configuration; all stopped after the suite. The suite's own before() hooks, registered after this
 * call, run after these, so they may use every part.
 */
export function usePushTobira(kind: StoreKind, options: PushSuiteOptions = {}): PushSuite {
  const parts: { store?: Store; tobira?: RunningTobira; receiver?: PushReceiver; config?: oidc.Configuration; smtp?: SmtpSink } = {};
  const ready = <T>(part: T | undefined, name: string): T => {
    if (part === undefined) throw new Error(`the push suite's ${name} is not started (used outside its tests?)`);
    return part;
  };
  const suite: PushSuite = {
    get store() { return ready(parts.store, 'store'); },
    get tobira() { return ready(parts.tobira, 'tobira'); },
    get receiver() { return ready(parts.receiver, 'push receiver'); },
    get config() { return ready(parts.config, 'partner configuration'); },
    get smtp() { return ready(parts.smtp, 'SMTP sink (smtp: true)'); },
    h: harness(() => suite.tobira.issuer, () => suite.receiver),
  };
  before(async () => {
    parts.receiver = new PushReceiver();
    parts.smtp = options.smtp ? new SmtpSink() : undefined;
    const [smtpUrl] = await Promise.all([parts.smtp?.start(), parts.receiver.start()]);
    parts.store = await freshStore(kind, { now: options.now });
    parts.tobira = await startPushTobira(parts.store, { ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}), ...options.env }, { clients: options.clients, now: options.now });
    parts.config = await discover(parts.tobira.issuer);
  });
  after(async () => {
    await parts.tobira?.close();
    await parts.store?.close();
    await Promise.all([parts.smtp?.stop(), parts.receiver?.stop()]);
  });
  return suite;
}
