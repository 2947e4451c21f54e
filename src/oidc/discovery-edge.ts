// What tobira adds to oidc-provider's discovery and JWKS answers: both are public and change
// rarely, so partners and proxies may cache them briefly (every other JSON answer is no-store); and
// discovery says what tobira really does where oidc-provider's defaults cannot be overridden.
import type { Middleware } from 'koa';

const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** oidc-provider's default `routes.jwks` (provider.ts does not change it). */
const JWKS_PATH = '/jwks';
/** Long enough to spare every sign-in a fetch, short enough for a signing-key rotation to reach partners soon. */
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=300';

export function discoveryEdge(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return;
    if (ctx.status !== 200 || (ctx.path !== DISCOVERY_PATH && ctx.path !== JWKS_PATH)) return;
    ctx.set('Cache-Control', DISCOVERY_CACHE_CONTROL);
    if (ctx.path === DISCOVERY_PATH && typeof ctx.body === 'object' && ctx.body !== null) {
      // oidc-provider always claims CIBA's user_code parameter; tobira refuses it (ciba.ts
      // verifyUserCode), so discovery says so (false is also the spec's default when omitted).
      (ctx.body as Record<string, unknown>).backchannel_user_code_parameter_supported = false;
    }
  };
}
