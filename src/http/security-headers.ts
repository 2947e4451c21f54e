import type { Middleware } from 'koa';

// No inline scripts or styles anywhere, so the policy can be strict. form-action is left out on
// purpose: a form post that ends in a redirect to the partner service would be blocked by it.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    // Set before the route runs: oidc-provider's auto-submitting pages (form_post, the device
    // code link) add the hash of their one inline script to this policy instead of breaking it.
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    await next();
    // Pages and JSON carry personal data (IPs, places, names, tokens): no cache may keep them. A
    // JSON answer that is public says so itself (discovery and JWKS, oidc/discovery-edge.ts).
    if (ctx.response.is('html')) ctx.set('Cache-Control', 'no-store');
    else if (!ctx.response.get('Cache-Control') && ctx.response.is('json', '+json')) ctx.set('Cache-Control', 'no-store');
  };
}
