// A partner service (relying party) played by openid-client, the certified OIDC client library.
import * as oidc from 'openid-client';
import { HttpBrowser, type Page } from './http-browser.ts';
import { SmtpSink } from './smtp-sink.ts';

export const PARTNER_SECRET = 'partner-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
export const PARTNER_CALLBACK = 'http://127.0.0.1:65000/callback';
export const PARTNER_HOME = 'http://127.0.0.1:65000/';

export function partnerClient(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: 'partner-web',
    client_secret: PARTNER_SECRET,
    client_name: 'Partner Shop',
    redirect_uris: [PARTNER_CALLBACK],
    post_logout_redirect_uris: [PARTNER_HOME],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...overrides,
  };
}

export async function discover(issuer: string, clientId = 'partner-web', secret = PARTNER_SECRET, route?: (url: URL) => URL): Promise<oidc.Configuration> {
  const config = await oidc.discovery(new URL(issuer), clientId, secret, undefined, { execute: [oidc.allowInsecureRequests] });
  if (route) {
    config[oidc.customFetch] = (url, options) => fetch(route(new URL(url)), options as RequestInit);
  }
  return config;
}

export interface PendingAuthorization {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function startAuthorization(config: oidc.Configuration, params: Record<string, string> = {}): Promise<PendingAuthorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: PARTNER_CALLBACK,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

export function redeem(config: oidc.Configuration, pending: PendingAuthorization, callback: string): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  return oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce });
}

export const PASSWORD = 'correct horse battery staple';

/**
 * The password sign-up from a sign-in page: the e-mail, the code mailed to it (read from whichever
 * SmtpSink of this process got it), then name and password. Returns the page after the password.
 */
export async function passwordSignUp(browser: HttpBrowser, login: Page, email: string, name = 'Hanako Yamada', password = PASSWORD): Promise<Page> {
  return browser.submit(await passwordStep(browser, login, email), '/signup/password', { name, password }, PARTNER_CALLBACK);
}

/** The password sign-up up to its last page (name and password), the address proven by its code. */
export async function passwordStep(browser: HttpBrowser, login: Page, email: string): Promise<Page> {
  const emailPage = await browser.follow(`${login.url.replace(/\/signup.*$/, '')}/signup/password`);
  const marks = SmtpSink.marks();
  const codePage = await browser.submit(emailPage, '/signup/email', { email, method: 'password' });
  const passwordPage = await browser.submit(codePage, '/signup/code', { code: await SmtpSink.codeSentTo(email, marks) });
  if (!/\/signup\/password$/.test(passwordPage.url)) throw new Error(`not at the password step: ${passwordPage.url}\n${passwordPage.body.slice(0, 1000)}`);
  return passwordPage;
}

/** Walks sign-up (or sign-in) and consent in the browser; returns the page stopped at the callback. */
export async function signUpAndConsent(browser: HttpBrowser, pending: PendingAuthorization, email: string, remember = true): Promise<Page> {
  const login = await browser.follow(pending.url.href);
  const consent = await passwordSignUp(browser, login, email);
  return browser.submit(consent, '/consent', remember ? { remember: 'on' } : {}, PARTNER_CALLBACK);
}
