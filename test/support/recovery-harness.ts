// Lost-phone recovery over HTTP: an account with a phone, a partner's refresh token and a trusted
// browser (everything recovery must take away), the request form, the operator API and the CLI
// as a child process, and the enrolment link read out of real mail.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type * as oidc from 'openid-client';
import { HttpBrowser, type Page } from './http-browser.ts';
import { PARTNER_CALLBACK, PASSWORD, redeem, signUpAndConsent, startAuthorization } from './partner.ts';
import type { harness } from './push-harness.ts';
import { jsonOf } from './push-harness.ts';
import type { PushReceiver } from './push-receiver.ts';
import type { SmsSink } from './sms-sink.ts';
import type { SmtpSink } from './smtp-sink.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

export const ADMIN_TOKEN = 'test-operator-token-0123456789-abcdefghijklmnopqrstuv';
const ROOT = resolve(import.meta.dirname, '..', '..');

export interface AdminAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

/** One operator API call; `token` null sends no Authorization header. */
export async function adminCall(issuer: string, method: 'GET' | 'POST', path: string, options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<AdminAnswer> {
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  const res = await fetch(`${issuer}${path}`, {
    method,
    headers: {
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Record<string, unknown> };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node src/admin/cli.ts ...` as an operator runs it (`npm run admin -- ...`). */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', 'src/admin/cli.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(new Error(`the CLI did not exit:\n${stdout}\n${stderr}`)); }, 20_000);
    child.on('exit', (code) => { clearTimeout(timer); done({ code, stdout, stderr }); });
  });
}

/** The text of a single-part mail as nodemailer sends it (quoted-printable or base64). */
export function mailText(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const encoding = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const joined = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    return Buffer.from(joined, 'latin1').toString('utf8');
  }
  return body;
}

/** The decoded text of the first mail to `address` (from message `since` on) that matches `pattern`, waiting for it. */
export async function mailMatching(smtp: SmtpSink, address: string, pattern: RegExp, since = 0, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = smtp.messages.slice(since).filter((m) => m.to.includes(address)).map((m) => mailText(m.raw)).find((text) => pattern.test(text));
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${address} matching ${pattern} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The text of the first SMS to `number` (from message `since` on) that matches `pattern`, waiting for it. */
export async function smsMatching(sms: SmsSink, number: string, pattern: RegExp, since = 0, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = sms.messages.slice(since).find((m) => m.to === number && pattern.test(m.text));
    if (found) return found.text;
    if (Date.now() > deadline) throw new Error(`no SMS to ${number} matching ${pattern} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function enrolmentLinkIn(text: string, issuer: string): string {
  const link = new RegExp(`${issuer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/enrol/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}`).exec(text)?.[0];
  assert.ok(link, `no enrolment link in:\n${text}`);
  return link;
}

/** The recovery form as a browser posts it: GET for the CSRF cookie and field, then POST. */
export async function fileRecoveryRequest(issuer: string, fields: Record<string, string>, options: { json?: boolean; browser?: HttpBrowser; headers?: Record<string, string> } = {}): Promise<Page> {
  const browser = options.browser ?? new HttpBrowser();
  const form = await browser.request(`${issuer}/recovery`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  if (options.json) {
    return browser.request(`${issuer}/recovery`, { method: 'POST', body: JSON.stringify({ ...fields, _csrf: csrf }), headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers } });
  }
  return browser.request(`${issuer}/recovery`, { form: { _csrf: csrf, ...fields }, headers: options.headers ?? {} });
}

export interface LostPhoneAccount {
  email: string;
  accountId: string;
  /** The browser the account was made in (a signed-in session). */
  browser: HttpBrowser;
  /** The phone: its own session, its passkey (software authenticator) and the device cookie. */
  phone: HttpBrowser;
  phoneCsrf: string;
  phoneKey: SoftAuthenticator;
  /** A partner's refresh token (offline_access). */
  refreshToken: string;
  /** A PC signed in by a number-matched phone approval, so it is a trusted browser with a session. */
  pc: HttpBrowser;
}

type Harness = ReturnType<typeof harness>;

/**
 * An account (password sign-up, consenting to offline_access) with a phone set up through the
 * /device JSON API, and a PC signed in through that phone (trusted from then on).
 */
export async function lostPhoneAccount(h: Harness, config: oidc.Configuration, issuer: string, receiver: PushReceiver, email: string): Promise<LostPhoneAccount> {
  const browser = new HttpBrowser();
  const pending = await startAuthorization(config, { scope: 'openid offline_access', prompt: 'consent' });
  const tokens = await redeem(config, pending, (await signUpAndConsent(browser, pending, email)).url);
  assert.ok(tokens.refresh_token);

  const phone = new HttpBrowser();
  const phonePending = await startAuthorization(config);
  const login = await phone.follow(phonePending.url.href);
  const afterPassword = await phone.submit(login, '/password', { email, password: PASSWORD }, PARTNER_CALLBACK);
  const signedIn = afterPassword.url.startsWith(PARTNER_CALLBACK) ? afterPassword : await phone.submit(afterPassword, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
  assert.ok(signedIn.url.startsWith(PARTNER_CALLBACK), signedIn.body.slice(0, 500));
  const page = await phone.follow(`${issuer}/device`);
  const phoneCsrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const phoneKey = new SoftAuthenticator({ alg: 'ES256', origin: issuer, rpId: 'localhost' });
  const options = jsonOf(await h.postJson(phone, '/device/api/setup/options', {}, phoneCsrf)).options as PublicKeyCredentialCreationOptionsJSON;
  const setUp = await h.postJson(phone, '/device/api/setup', { name: 'Lost phone', subscription: receiver.createSubscription().subscription, response: phoneKey.register(options) }, phoneCsrf);
  assert.equal(setUp.status, 200, setUp.body);

  const pc = await h.pcRequests(config, email);
  assert.equal((await h.approveOn({ email, browser: phone, key: phoneKey, csrf: phoneCsrf }, String(pc.started.approvalId), String(pc.started.number))).status, 200);
  const done = await h.postJson(pc.browser, `/interaction/${pc.uid}/push/${String(pc.started.approvalId)}/complete`, {}, pc.csrf);
  const callback = await pc.browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK);
  const finished = callback.url.startsWith(PARTNER_CALLBACK) ? callback : await pc.browser.submit(callback, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
  assert.ok(finished.url.startsWith(PARTNER_CALLBACK));

  return { email, accountId: String(tokens.claims()?.sub), browser, phone, phoneCsrf, phoneKey, refreshToken: tokens.refresh_token, pc: pc.browser };
}

/**
 * Registers a passkey with the enrolment link, as the link's page does: the page by its path, the
 * secret (the link's fragment, which a browser never sends) in the JSON bodies.
 */
export async function enrolWithLink(h: Harness, link: string, key: SoftAuthenticator, browser = new HttpBrowser()): Promise<Page> {
  const url = new URL(link);
  const secret = url.hash.slice(1);
  const path = url.pathname;
  url.hash = '';
  const page = await browser.request(url.href);
  assert.equal(page.status, 200, page.body.slice(0, 500));
  const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const options = await h.postJson(browser, `${path}/options`, { secret }, csrf);
  assert.equal(options.status, 200, options.body);
  return h.postJson(browser, `${path}/verify`, { secret, response: key.register(jsonOf(options).options as PublicKeyCredentialCreationOptionsJSON) }, csrf);
}

/** Signs in with a passkey on a partner's sign-in page; the status of the final step. */
export async function passkeySignIn(h: Harness, config: oidc.Configuration, key: SoftAuthenticator): Promise<Page> {
  const browser = new HttpBrowser();
  const { uid, csrf } = await h.signInPage(config, browser);
  const options = await h.postJson(browser, `/interaction/${uid}/passkey/options`, {}, csrf);
  return h.postJson(browser, `/interaction/${uid}/passkey/verify`, { response: key.authenticate(jsonOf(options).options as PublicKeyCredentialRequestOptionsJSON) }, csrf);
}
