// Introspection and revocation of the JWT access tokens issued for partners' APIs.
//
// oidc-provider keeps no record of a JWT access token and refuses it at both endpoints
// ("unsupported_token_type", after it has authenticated the caller): an API is meant to check the
// signature itself. Partners still expect RFC 7662/7009 to work for every token they hold, so this
// middleware, in front of the provider, takes over exactly that refusal: the caller is already
// authenticated by the provider as for any other token; the token is checked with tobira's own
// keys (jose); the answer comes from the verified claims. A revoked JWT is noted until it expires;
// introspection then says inactive. An API that checks signatures locally learns of a revocation
// only through introspection, which is why these tokens live minutes.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { Context, Middleware } from 'koa';
import type { OidcModelStore } from '../store/ports/oidc-model.ts';

const INTROSPECTION = '/token/introspection';
const REVOCATION = '/token/revocation';

export interface StructuredTokenDeps {
  issuer: string;
  /** The public signing keys, as /jwks publishes them now (they rotate). */
  publicJwks: () => JSONWebKeySet;
  /** Whether `clientId` may introspect tokens issued for `audience` (an API in the resources file). */
  introspects(clientId: string, audience: unknown): boolean;
  /** Where revoked token ids are kept until the token expires. */
  revoked: OidcModelStore;
  now: () => number;
}

interface ProviderView {
  oidc?: { client?: { clientId: string }; params?: { token?: unknown } };
}

/**
 * The authenticated caller and the token, when the provider refused the token only for being a
 * JWT; undefined for every other answer (including a failed client authentication).
 */
function refusedJwt(ctx: Context): { clientId: string; token: string } | undefined {
  const body = ctx.body as { error?: unknown } | undefined;
  if (ctx.status !== 400 || body?.error !== 'unsupported_token_type') return undefined;
  const { oidc } = ctx as Context & ProviderView;
  const clientId = oidc?.client?.clientId;
  const token = oidc?.params?.token;
  return clientId && typeof token === 'string' ? { clientId, token } : undefined;
}

export function structuredTokenEndpoints(deps: StructuredTokenDeps): Middleware {
  let published = deps.publicJwks();
  let keys = createLocalJWKSet(published);

  async function verified(token: string): Promise<JWTPayload | undefined> {
    if (deps.publicJwks() !== published) {
      published = deps.publicJwks();
      keys = createLocalJWKSet(published);
    }
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: deps.issuer, typ: 'at+jwt', currentDate: new Date(deps.now()) });
      return typeof payload.jti === 'string' ? payload : undefined;
    } catch {
      return undefined;
    }
  }

  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || (ctx.path !== INTROSPECTION && ctx.path !== REVOCATION)) return;
    const refused = refusedJwt(ctx);
    if (!refused) return;
    const payload = await verified(refused.token);
    ctx.status = 200;
    if (ctx.path === REVOCATION) {
      ctx.body = '';
      // Only the client the token was issued to may revoke it (RFC 7009 §2.1); others get the same 200.
      const ttl = (payload?.exp ?? 0) - Math.floor(deps.now() / 1000);
      if (payload && payload.client_id === refused.clientId && ttl > 0) await deps.revoked.upsert(payload.jti as string, { jti: payload.jti }, ttl);
      return;
    }
    const allowed = payload && (payload.client_id === refused.clientId || deps.introspects(refused.clientId, payload.aud));
    ctx.body = allowed && !await deps.revoked.find(payload.jti as string) ? { active: true, token_type: 'Bearer', ...payload } : { active: false };
  };
}
