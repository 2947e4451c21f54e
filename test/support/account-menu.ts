// The account menu and sign-ins over HTTP as a browser drives them: a member signed up at a partner
// and signed in to /account, password and passkey sign-ins from browsers with a chosen User-Agent,
// and the menu's forms with their CSRF token.
import assert from 'node:assert/strict';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type * as oidc from 'openid-client';
import { HttpBrowser, type Page } from './http-browser.ts';
import { PARTNER_CALLBACK, PASSWORD, signUpAndConsent, startAuthorization, type PendingAuthorization } from './partner.ts';
import { jsonOf } from './push-harness.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';

export const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const SAFARI_ON_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
export const CHROME_ON_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** A cookie-keeping browser that sends this User-Agent on every request. */
export function browserWith(userAgent: string): HttpBrowser {
  const browser = new HttpBrowser();
  const request = browser.request.bind(browser);
  browser.request = (url, init = {}) => request(url, { ...init, headers: { 'user-agent': userAgent, ...init.headers } });
  return browser;
}

export interface Member {
  email: string;
  accountId: string;
  /** Signed in at the partner and in the account menu (a fresh sign-in, for the next 5 minutes). */
  browser: HttpBrowser;
}

/** A password sign-up at the partner (consent remembered), then the account menu opened in the same browser. */
export async function member(issuer: string, config: oidc.Configuration, email: string, browser = new HttpBrowser()): Promise<Member> {
  const pending = await startAuthorization(config);
  const callback = await signUpAndConsent(browser, pending, email);
  assert.ok(callback.url.startsWith(PARTNER_CALLBACK), callback.url);
  const menu = await browser.follow(`${issuer}/account`);
  assert.equal(menu.status, 200, menu.body.slice(0, 500));
  const profile = await menuOf(issuer, browser, 'profile');
  const accountId = /id="profile-id"><code>([^<]+)</.exec(profile.body)?.[1];
  assert.ok(accountId, 'the menu shows the account ID');
  return { email, accountId, browser };
}

export function csrfOf(page: Page): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? /data-csrf="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(token, `a CSRF token on ${page.url}`);
  return token;
}

/** The account menu's overview, or one of its section pages (`profile`, `passkeys`, …). */
export async function menuOf(issuer: string, browser: HttpBrowser, section = ''): Promise<Page> {
  const page = await browser.follow(`${issuer}/account${section ? `/${section}` : ''}`);
  assert.equal(page.status, 200, page.body.slice(0, 500));
  return page;
}

export function postJson(browser: HttpBrowser, url: string, body: unknown, csrf: string): Promise<Page> {
  return browser.request(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf } });
}

/** Registers a passkey for the signed-in member from the account menu. */
export async function addPasskey(issuer: string, browser: HttpBrowser): Promise<SoftAuthenticator> {
  const key = new SoftAuthenticator({ alg: 'ES256', origin: issuer, rpId: 'localhost' });
  const csrf = csrfOf(await menuOf(issuer, browser, 'passkeys'));
  const options = jsonOf(await postJson(browser, `${issuer}/account/passkeys/options`, {}, csrf)).options as PublicKeyCredentialCreationOptionsJSON;
  const done = await postJson(browser, `${issuer}/account/passkeys/verify`, { response: key.register(options) }, csrf);
  assert.equal(done.status, 200, done.body);
  return key;
}

/** A partner's sign-in page opened in `browser`. */
export async function signInPage(config: oidc.Configuration, browser: HttpBrowser, params: Record<string, string> = {}): Promise<{ pending: PendingAuthorization; page: Page; uid: string; csrf: string }> {
  const pending = await startAuthorization(config, params);
  const page = await browser.follow(pending.url.href);
  const uid = /data-uid="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
  assert.ok(uid && csrf, `a sign-in page: ${page.url}`);
  return { pending, page, uid, csrf };
}

/** Password sign-in at the partner (`prompt: 'login'` in `params` when the browser is signed in already); returns the page it ends on. */
export async function passwordSignIn(config: oidc.Configuration, browser: HttpBrowser, email: string, password = PASSWORD, params: Record<string, string> = {}): Promise<Page> {
  const { page } = await signInPage(config, browser, params);
  return browser.submit(page, '/password', { email, password }, PARTNER_CALLBACK);
}

/** Passkey sign-in at the partner; returns the page it ends on (the partner's callback). */
export async function passkeySignIn(issuer: string, config: oidc.Configuration, browser: HttpBrowser, key: SoftAuthenticator, params: Record<string, string> = {}): Promise<Page> {
  const { uid, csrf } = await signInPage(config, browser, params);
  const options = jsonOf(await postJson(browser, `${issuer}/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
  const done = await postJson(browser, `${issuer}/interaction/${uid}/passkey/verify`, { response: key.authenticate(options) }, csrf);
  assert.equal(done.status, 200, done.body);
  let page = await browser.follow(String(jsonOf(done).redirectTo), {}, PARTNER_CALLBACK);
  if (!page.url.startsWith(PARTNER_CALLBACK)) page = await browser.submit(page, '/consent', { remember: 'on' }, PARTNER_CALLBACK);
  return page;
}

/** The text of a single-part mail as nodemailer sends it (quoted-printable or base64 body). */
export function mailText(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** Waits (up to `timeoutMs`) for a message to `to` whose subject or text matches; notices are sent in the background. */
export async function messageMatching<T extends { to: string | string[] }>(messages: readonly T[], to: string, matches: (m: T) => boolean, since = 0, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = messages.slice(since).find((m) => (Array.isArray(m.to) ? m.to.includes(to) : m.to === to) && matches(m));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching message to ${to} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
