// A partner service signs a user in through tobira, end to end, on each store.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { ACR } from '../../src/assurance/assurance.ts';
import { HttpBrowser, errorCodeOf } from '../support/http-browser.ts';
import { discover, partnerClient, PARTNER_CALLBACK, PARTNER_HOME, PASSWORD, passwordSignUp, redeem, signUpAndConsent, startAuthorization } from '../support/partner.ts';
import { FEATURE_STORES } from '../support/stores.ts';
import { startTobira, type RunningTobira } from '../support/tobira.ts';

for (const kind of FEATURE_STORES) {
  describe(`authorization code flow with a real partner (${kind} store)`, () => {
    let tobira: RunningTobira;
    let config: oidc.Configuration;
    let backchannel: Server;
    const logoutTokens: string[] = [];

    before(async () => {
      backchannel = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        req.on('end', () => {
          logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => backchannel.listen(0, '127.0.0.1', resolve));
      const bcPort = (backchannel.address() as AddressInfo).port;
      tobira = await startTobira({
        store: kind,
        env: { ALLOW_PRIVATE_NETWORK_CALLBACKS: 'true' },
        clients: [
          partnerClient({ backchannel_logout_uri: `http://127.0.0.1:${bcPort}/backchannel`, backchannel_logout_session_required: true }),
          partnerClient({ client_id: 'partner-es', id_token_signed_response_alg: 'ES256' }),
        ],
      });
      config = await discover(tobira.issuer);
    });
    after(async () => {
      await tobira.close();
      backchannel.close();
    });

    it('publishes discovery with PKCE S256, code flow only, and ES256/RS256 keys', async () => {
      const meta = config.serverMetadata();
      assert.equal(meta.issuer, tobira.issuer);
      // `none` exists only for tobira's own account menu; partners are registered for `code` alone.
      assert.deepEqual(meta.response_types_supported, ['code', 'none']);
      assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
      assert.ok(meta.grant_types_supported?.includes('refresh_token'));
      assert.ok(!meta.grant_types_supported?.includes('password'));
      assert.ok(!meta.grant_types_supported?.includes('implicit'));
      for (const scope of ['openid', 'profile', 'email', 'phone', 'offline_access']) assert.ok(meta.scopes_supported?.includes(scope), scope);
      for (const endpoint of ['userinfo_endpoint', 'revocation_endpoint', 'introspection_endpoint', 'end_session_endpoint'] as const) assert.ok(meta[endpoint], endpoint);
      assert.equal(meta.backchannel_logout_supported, true);
      const jwks = await (await fetch(meta.jwks_uri!)).json() as { keys: Array<{ alg: string; d?: string }> };
      assert.deepEqual(jwks.keys.map((k) => k.alg).sort(), ['ES256', 'RS256']);
      assert.ok(jwks.keys.every((k) => k.d === undefined), 'private key material must never be published');
    });

    async function signedIn(label: string, params: Record<string, string> = {}, partner = config) {
      const browser = new HttpBrowser();
      const email = `${label}.${kind}@example.com`;
      const pending = await startAuthorization(partner, params);
      const callback = await signUpAndConsent(browser, pending, email);
      assert.ok(callback.url.startsWith(PARTNER_CALLBACK), `expected the partner callback, got ${callback.url}`);
      const tokens = await redeem(partner, pending, callback.url);
      return { browser, email, tokens, sub: tokens.claims()!.sub };
    }

    it('signs up and consents; the partner gets a verified ID token and userinfo; the next login is silent', async () => {
      const { browser, email, tokens, sub } = await signedIn('hanako');
      const claims = tokens.claims();
      assert.ok(claims);
      assert.equal(claims.iss, tobira.issuer);
      assert.equal(claims.aud, 'partner-web');
      assert.equal(claims.acr, ACR.PASSWORD);
      assert.deepEqual(claims.amr, ['pwd']);
      assert.equal(tokens.refresh_token, undefined, 'no refresh token without offline_access');
      // A partner that names no algorithm gets RS256, which every OpenID client supports.
      const verified = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), { issuer: tobira.issuer, audience: 'partner-web' });
      assert.equal(verified.protectedHeader.alg, 'RS256');

      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, sub);
      assert.equal(userinfo.email, email);
      assert.equal(userinfo.name, 'Hanako Yamada');
      // The sign-up proved the address with a code (issue 10: claims that tell the truth).
      assert.equal(userinfo.email_verified, true);

      const account = await tobira.store.accounts.findByEmail(email);
      assert.equal(account?.id, sub);
      assert.match(account?.passwordHash ?? '', /^\$argon2id\$/, 'password stored as an argon2id hash');

      // The session and the remembered consent mean no page at all.
      const again = await startAuthorization(config);
      const silent = await browser.follow(again.url.href, {}, PARTNER_CALLBACK);
      assert.ok(silent.url.startsWith(PARTNER_CALLBACK), 'signed-in user with remembered consent goes straight back');
      assert.equal((await redeem(config, again, silent.url)).claims()?.sub, sub);
    });

    it('signs a partner\'s ID tokens with ES256 when its registration asks for it, at sign-in and at each refresh', async () => {
      const partner = await discover(tobira.issuer, 'partner-es');
      assert.ok(partner.serverMetadata().id_token_signing_alg_values_supported?.includes('ES256'));
      const jwks = createRemoteJWKSet(new URL(partner.serverMetadata().jwks_uri!));
      const { tokens, sub } = await signedIn('elliptic', { scope: 'openid offline_access', prompt: 'consent' }, partner);
      const signedInToken = await jwtVerify(tokens.id_token!, jwks, { issuer: tobira.issuer, audience: 'partner-es' });
      assert.equal(signedInToken.protectedHeader.alg, 'ES256');
      assert.equal(signedInToken.payload.sub, sub);
      const rotated = await oidc.refreshTokenGrant(partner, tokens.refresh_token!);
      const refreshed = await jwtVerify(rotated.id_token!, jwks, { issuer: tobira.issuer, audience: 'partner-es' });
      assert.equal(refreshed.protectedHeader.alg, 'ES256');
      assert.equal(refreshed.payload.sub, sub);
    });

    it('rotates refresh tokens, and reuse of a rotated one revokes the whole grant', async () => {
      const { browser, tokens, sub } = await signedIn('rotor', { scope: 'openid profile email offline_access', prompt: 'consent' });
      assert.ok(tokens.refresh_token, 'offline_access with consent gives a refresh token');

      const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(rotated.refresh_token);
      assert.notEqual(rotated.refresh_token, tokens.refresh_token);
      assert.equal(rotated.claims()?.sub, sub);
      assert.equal(rotated.claims()?.acr, ACR.PASSWORD);
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      // Reuse looks like theft: every token of the grant goes, and so does the remembered consent.
      await assert.rejects(oidc.refreshTokenGrant(config, rotated.refresh_token), (err: oidc.ResponseBodyError) => err.error === 'invalid_grant');
      await assert.rejects(oidc.fetchUserInfo(config, rotated.access_token, sub));
      const afterTheft = await browser.follow((await startAuthorization(config)).url.href, {}, PARTNER_CALLBACK);
      assert.match(afterTheft.body, /action="[^"]*\/consent"/);
    });

    it('introspects and revokes tokens', async () => {
      const { tokens, sub } = await signedIn('revoker', { scope: 'openid offline_access', prompt: 'consent' });
      const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
      assert.equal(introspected.active, true);
      assert.equal(introspected.sub, sub);
      await oidc.tokenRevocation(config, tokens.access_token);
      assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
      await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, sub));
      // oidc-provider revokes the grant's other tokens with it (RFC 7009 allows this).
      assert.equal((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active, false);
    });

    it('logs out at the partner\'s request and tells the partner over the back channel', async () => {
      const { browser, tokens, sub } = await signedIn('leaver');
      const endSession = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: PARTNER_HOME });
      const confirm = await browser.follow(endSession.href);
      assert.match(confirm.body, /op\.logoutForm/);
      const loggedOut = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }, PARTNER_HOME);
      assert.ok(loggedOut.url.startsWith(PARTNER_HOME), `back at the partner after logout, got ${loggedOut.url}`);

      const token = logoutTokens.at(-1);
      assert.ok(token, 'the partner received a back-channel logout token');
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), { issuer: tobira.issuer, audience: 'partner-web' });
      assert.equal(payload.sub, sub);
      assert.equal(payload.sid, tokens.claims()?.sid);
      assert.ok((payload.events as Record<string, unknown>)['http://schemas.openid.net/event/backchannel-logout']);

      const afterLogout = await startAuthorization(config);
      const loginAgain = await browser.follow(afterLogout.url.href, {}, PARTNER_CALLBACK);
      assert.match(loginAgain.url, /\/interaction\//, 'after logout the user must sign in again');
    });

    it('signs in with e-mail and password and asks consent again when it was not remembered', async () => {
      const email = `taro.${kind}@example.com`;
      const first = new HttpBrowser();
      const pending = await startAuthorization(config);
      await redeem(config, pending, (await signUpAndConsent(first, pending, email, false)).url);

      // Same browser, consent not remembered: the consent page again.
      const again = await startAuthorization(config);
      const consentAgain = await first.follow(again.url.href, {}, PARTNER_CALLBACK);
      assert.match(consentAgain.body, /action="[^"]*\/consent"/);

      const browser = new HttpBrowser();
      const next = await startAuthorization(config);
      const login = await browser.follow(next.url.href);
      const wrong = await browser.submit(login, '/password', { email, password: 'not the password at all' });
      assert.equal(wrong.status, 401);
      assert.equal(errorCodeOf(wrong), 'invalid_credentials');
      const unknown = await browser.submit(login, '/password', { email: `nobody.${kind}@example.com`, password: PASSWORD });
      assert.equal(unknown.status, 401);
      assert.equal(errorCodeOf(unknown), 'invalid_credentials');
      assert.equal(/role="alert"[^>]*>([^<]*)</.exec(unknown.body)?.[1], /role="alert"[^>]*>([^<]*)</.exec(wrong.body)?.[1], 'same words for unknown e-mail and wrong password');

      const consent = await browser.submit(login, '/password', { email: email.toUpperCase(), password: PASSWORD }, PARTNER_CALLBACK);
      const callback = await browser.submit(consent, '/consent', {}, PARTNER_CALLBACK);
      const tokens = await redeem(config, next, callback.url);
      assert.equal((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email, email);
    });

    it('tells the partner when the user signed in (auth_time), not when consent was given', async () => {
      const email = `slowconsent.${kind}@example.com`;
      const first = new HttpBrowser();
      const setup = await startAuthorization(config);
      await redeem(config, setup, (await signUpAndConsent(first, setup, email, false)).url);

      const browser = new HttpBrowser();
      const pending = await startAuthorization(config, { max_age: '600' });
      const login = await browser.follow(pending.url.href);
      const before = Math.floor(Date.now() / 1000);
      const consent = await browser.submit(login, '/password', { email, password: PASSWORD }, PARTNER_CALLBACK);
      assert.match(consent.body, /action="[^"]*\/consent"/);
      const signedInAt = Math.floor(Date.now() / 1000);
      // The consent is given in a later second than the sign-in.
      await new Promise((resolve) => setTimeout(resolve, (signedInAt + 1) * 1000 - Date.now() + 50));
      const callback = await browser.submit(consent, '/consent', {}, PARTNER_CALLBACK);
      const authTime = (await redeem(config, pending, callback.url)).claims()?.auth_time;
      assert.ok(typeof authTime === 'number' && authTime >= before && authTime <= signedInAt, `auth_time ${String(authTime)} is the sign-in (${before}..${signedInAt})`);
    });

    it('sends the user back with access_denied when consent is denied', async () => {
      const browser = new HttpBrowser();
      const pending = await startAuthorization(config);
      const login = await browser.follow(pending.url.href);
      const consent = await passwordSignUp(browser, login, `deny.${kind}@example.com`, 'Deny');
      const denied = await browser.submit(consent, '/abort', {}, PARTNER_CALLBACK);
      const url = new URL(denied.url);
      assert.equal(url.searchParams.get('error'), 'access_denied');
      assert.equal(url.searchParams.get('state'), pending.state);
    });
  });
}

describe('outgoing calls to partner services', () => {
  it('never reach loopback or private addresses unless the operator allows it (SSRF guard)', async () => {
    let received = 0;
    const backchannel = createServer((_req, res) => { received += 1; res.writeHead(200).end(); });
    await new Promise<void>((resolve) => backchannel.listen(0, '127.0.0.1', resolve));
    const bcPort = (backchannel.address() as AddressInfo).port;
    const tobira = await startTobira({ store: 'memory', clients: [partnerClient({ backchannel_logout_uri: `http://127.0.0.1:${bcPort}/backchannel`, backchannel_logout_session_required: true })] });
    try {
      const config = await discover(tobira.issuer);
      const browser = new HttpBrowser();
      const pending = await startAuthorization(config);
      const tokens = await redeem(config, pending, (await signUpAndConsent(browser, pending, 'guarded@example.com')).url);
      const confirm = await browser.follow(oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: PARTNER_HOME }).href);
      const done = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' }, PARTNER_HOME);
      assert.ok(done.url.startsWith(PARTNER_HOME), 'logout itself still completes');
      assert.equal(received, 0, 'the loopback back-channel endpoint was not called');
    } finally {
      await tobira.close();
      backchannel.close();
    }
  });
});
