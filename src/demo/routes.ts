// A tiny partner service living inside tobira for newcomers: it signs in through tobira exactly as
// a real partner does (openid-client, authorization code + PKCE) and shows what it received.
// Only mounted when DEMO is on (the default outside production).
import Router from '@koa/router';
import * as oidc from 'openid-client';
import { InvalidInputError } from '../errors/http-errors.ts';
import type { BodyReaders } from '../http/forms.ts';
import { csrfToken } from '../http/csrf.ts';
import { seeOther } from '../http/see-other.ts';
import { render } from '../http/render.ts';
import { clearCookie, readSignedJson, writeSignedJson } from '../http/signed-cookie.ts';
import type { ClientMetadata } from '../clients/clients-file.ts';

const TX_COOKIE = 'tobira.demo.tx';
const USER_COOKIE = 'tobira.demo.user';

interface DemoTransaction { verifier: string; state: string; nonce: string }
interface DemoUser { claims: Record<string, unknown>; idToken: string }

/** What the partner was told instead of tokens (the authorization or token response's error). */
interface Refusal { error: string; description: string }

function refusalOf(err: unknown): Refusal | undefined {
  if (err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError) {
    return { error: err.error, description: err.error_description ?? '' };
  }
  return undefined;
}

export function demoRoutes(issuer: string, client: ClientMetadata, bodies: BodyReaders): Router {
  const router = new Router({ prefix: '/demo' });
  let configuration: Promise<oidc.Configuration> | undefined;
  const discover = (): Promise<oidc.Configuration> => {
    configuration ??= oidc.discovery(new URL(issuer), client.client_id, String(client.client_secret), undefined, {
      execute: new URL(issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
    }).catch((err: unknown) => {
      configuration = undefined;
      throw err;
    });
    return configuration;
  };

  router.get('/', async (ctx) => {
    const user = readSignedJson<DemoUser>(ctx, USER_COOKIE);
    await render(ctx, 'demo', { user: user?.claims, refused: undefined, csrf: csrfToken(ctx) });
  });

  router.get('/login', async (ctx) => {
    const config = await discover();
    const tx: DemoTransaction = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
    writeSignedJson(ctx, TX_COOKIE, tx);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${issuer}/demo/callback`,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(tx.verifier),
      code_challenge_method: 'S256',
      state: tx.state,
      nonce: tx.nonce,
    });
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    const tx = readSignedJson<DemoTransaction>(ctx, TX_COOKIE);
    if (!tx) throw new InvalidInputError('state');
    clearCookie(ctx, TX_COOKIE);
    const config = await discover();
    // The callback URL as the partner registered it, whatever Host the request came in on.
    const current = new URL(`${issuer}/demo/callback?${ctx.querystring}`);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: tx.verifier, expectedState: tx.state, expectedNonce: tx.nonce });
    } catch (err) {
      // A partner must expect "no": the user cancelled or denied (access_denied), or tobira refused.
      // The demo shows what it got, as a newcomer's first look at an error response.
      const refused = refusalOf(err);
      if (!refused) throw err;
      await render(ctx, 'demo', { user: undefined, refused, csrf: csrfToken(ctx) });
      return;
    }
    const user: DemoUser = { claims: { ...tokens.claims() }, idToken: tokens.id_token ?? '' };
    writeSignedJson(ctx, USER_COOKIE, user);
    ctx.redirect('/demo');
  });

  router.post('/logout', ...bodies.posted, async (ctx) => {
    const user = readSignedJson<DemoUser>(ctx, USER_COOKIE);
    clearCookie(ctx, USER_COOKIE);
    const config = await discover();
    const url = oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: `${issuer}/demo`,
      ...(user?.idToken ? { id_token_hint: user.idToken } : {}),
    });
    seeOther(ctx, url.href);
  });

  return router;
}
