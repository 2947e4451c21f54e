// Absolute URLs come from the configured issuer, never from the request. koa (and oidc-provider,
// which builds every endpoint in discovery from ctx.href) would otherwise take the host from the
// Host or X-Forwarded-Host header, or the whole URL from an absolute-form request target
// (`GET http://evil.example/x HTTP/1.1`): one such request, cached by a proxy, would point
// partners at another site (RFC 8414 §3: the metadata must name the issuer's own endpoints).
import type Koa from 'koa';

/**
 * Shadows koa's getters on the app's request prototype, once: every request of this app (and of
 * oidc-provider, mounted on the same context) answers host, hostname, href and URL from the issuer;
 * the path and query stay the request's own. Defining them per request instead cost a property
 * definition on every request and turned each request object into a slower dictionary-mode object.
 */
export function pinIssuerOrigin(app: Koa, issuer: string): void {
  const { origin, host, hostname } = new URL(issuer);
  Object.defineProperties(app.request, {
    host: { get: () => host, configurable: true },
    hostname: { get: () => hostname, configurable: true },
    href: { get(this: Koa.Request) { return `${origin}${this.path}${this.search}`; }, configurable: true },
    URL: { get(this: Koa.Request) { return new URL(`${origin}${this.path}${this.search}`); }, configurable: true },
  });
}
