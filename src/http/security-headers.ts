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
    await next();
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    if (ctx.response.is('html')) {
      ctx.set('Content-Security-Policy', CSP);
      ctx.set('Cache-Control', 'no-store');
    }
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000');
  };
}
