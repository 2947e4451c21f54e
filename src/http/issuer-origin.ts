// Absolute URLs come from the configured issuer, never from the request. koa (and oidc-provider,
// which builds every endpoint in discovery from ctx.href) would otherwise take the host from the
// Host or X-Forwarded-Host header, or the whole URL from an absolute-form request target
// (`GET http://evil.example/x HTTP/1.1`): one such request, cached by a proxy, would point
// partners at another site (RFC 8414 §3: the metadata must name the issuer's own endpoints).
import type { Middleware } from 'koa';

export function issuerOrigin(issuer: string): Middleware {
  const url = new URL(issuer);
  return async (ctx, next) => {
    // Shadow koa's getters on this request only; the path and query stay the request's own.
    Object.defineProperties(ctx.request, {
      host: { value: url.host, configurable: true },
      hostname: { value: url.hostname, configurable: true },
      href: { get: () => `${url.origin}${ctx.path}${ctx.search}`, configurable: true },
      URL: { get: () => new URL(`${url.origin}${ctx.path}${ctx.search}`), configurable: true },
    });
    await next();
  };
}
