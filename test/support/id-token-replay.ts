// ID tokens kept from a sign-in and checked again later by openid-client: the token endpoint's
// answer of the sign-in is recorded, and replayed to a fresh openid-client configuration with
// non-repudiation checks on, which then verifies the ID token's signature against /jwks as it is now.
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { HttpBrowser } from './http-browser.ts';
import { discover, PARTNER_CALLBACK, redeem, signUpAndConsent, startAuthorization, type PendingAuthorization } from './partner.ts';

/** A sign-in whose token endpoint answer is kept, so that it can be handed to openid-client again later. */
export interface SignedIn { pending: PendingAuthorization; callback: string; tokenResponse: string; idToken: string }

/** Every request of openid-client through `route` (another process on the same issuer), when given. */
function through(route: ((url: URL) => URL) | undefined): (url: string, options: unknown) => Promise<Response> {
  return (url, options) => fetch(route ? route(new URL(url)) : url, options as RequestInit);
}

/** The partner signs in (a new account when `email` is given, else the browser's session) and verifies the ID token's signature. */
export async function signIn(issuer: string, browser: HttpBrowser, email: string | undefined, route?: (url: URL) => URL): Promise<SignedIn> {
  const config = await discover(issuer);
  oidc.enableNonRepudiationChecks(config);
  let tokenResponse = '';
  const send = through(route);
  config[oidc.customFetch] = async (url, options) => {
    const res = await send(url, options);
    if (!url.endsWith('/token')) return res;
    tokenResponse = await res.text();
    return new Response(tokenResponse, { status: res.status, headers: res.headers });
  };
  const pending = await startAuthorization(config);
  const callback = email ? (await signUpAndConsent(browser, pending, email)).url : (await browser.follow(pending.url.href, {}, PARTNER_CALLBACK)).url;
  const tokens = await redeem(config, pending, callback);
  assert.ok(tokens.id_token);
  return { pending, callback, tokenResponse, idToken: tokens.id_token };
}

/** openid-client checks the ID token of an earlier sign-in again, now, against the current /jwks. */
export async function verifiesNow(issuer: string, earlier: SignedIn, route?: (url: URL) => URL): Promise<void> {
  const config = await discover(issuer);
  oidc.enableNonRepudiationChecks(config);
  const send = through(route);
  config[oidc.customFetch] = async (url, options) => url.endsWith('/token')
    ? new Response(earlier.tokenResponse, { status: 200, headers: { 'content-type': 'application/json' } })
    : send(url, options);
  await redeem(config, earlier.pending, earlier.callback);
}
