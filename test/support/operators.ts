// Operators over HTTP, as a browser drives the console: a member with a passkey, signed in with it
// (acr phr), optionally given a role; the console's sign-in through the provider as tobira-console;
// and API calls made with the console's session (its cookies and CSRF token).
import assert from 'node:assert/strict';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type * as oidc from 'openid-client';
import type { OperatorRole } from '../../src/store/ports/operators.ts';
import type { Store } from '../../src/store/types.ts';
import { addPasskey, csrfOf, member, passkeySignIn, postJson, type Member } from './account-menu.ts';
import { HttpBrowser, type Page } from './http-browser.ts';
import { jsonOf } from './push-harness.ts';
import type { SoftAuthenticator } from './soft-authenticator.ts';

export interface TestOperator extends Member {
  key: SoftAuthenticator;
}

/** A member who added a passkey and signed in with it at the partner (a fresh phr session); `role` granted in the store. */
export async function passkeyMember(issuer: string, config: oidc.Configuration, email: string, store: Store, role?: OperatorRole): Promise<TestOperator> {
  const m = await member(issuer, config, email, new HttpBrowser());
  const key = await addPasskey(issuer, m.browser);
  await passkeySignIn(issuer, config, m.browser, key, { prompt: 'login' });
  if (role) await store.operatorGrants.put({ accountId: m.accountId, role, grantedAt: new Date(), grantedBy: 'test' });
  return { ...m, key };
}

/** Opens /console (or `path`, a path or a whole URL); when sent to sign in, signs in there with the passkey. Returns the page it ends on. */
export async function openConsole(issuer: string, browser: HttpBrowser, key?: SoftAuthenticator, path = '/console'): Promise<Page> {
  let page = await browser.follow(path.startsWith('http') ? path : `${issuer}${path}`);
  if (key && page.url.includes('/interaction/')) {
    const uid = /data-uid="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrf = /data-csrf="([^"]+)"/.exec(page.body)?.[1] ?? '';
    assert.ok(uid && csrf, `a sign-in page: ${page.url}`);
    const options = jsonOf(await postJson(browser, `${issuer}/interaction/${uid}/passkey/options`, {}, csrf)).options as PublicKeyCredentialRequestOptionsJSON;
    const done = await postJson(browser, `${issuer}/interaction/${uid}/passkey/verify`, { response: key.authenticate(options) }, csrf);
    assert.equal(done.status, 200, done.body);
    page = await browser.follow(String(jsonOf(done).redirectTo));
  }
  return page;
}

/** An operator API call with the console's session: its cookies, and its CSRF token on changes. */
export async function sessionCall(issuer: string, browser: HttpBrowser, method: 'GET' | 'POST', path: string, body?: unknown, csrf?: string): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const page = await browser.request(`${issuer}${path}`, {
    method,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: page.status, headers: page.headers, json: JSON.parse(page.body) as Record<string, unknown> };
}

/** The CSRF token of a console page. */
export function consoleCsrf(page: Page): string {
  return csrfOf(page);
}
