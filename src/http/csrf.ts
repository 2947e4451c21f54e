// CSRF protection for tobira's own forms: a random token in a signed, HttpOnly, SameSite cookie,
// echoed in a hidden form field (signed double-submit). An attacker's page can neither read the
// cookie nor forge its signature, so it cannot produce a matching field.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { CsrfError } from '../errors/http-errors.ts';

const COOKIE = 'tobira.csrf';
export const CSRF_FIELD = '_csrf';

/** The token to embed in a form; sets the cookie on first use. */
export function csrfToken(ctx: Context): string {
  const existing = ctx.cookies.get(COOKIE, { signed: true });
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  ctx.cookies.set(COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, overwrite: true });
  return token;
}

function matches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses a state-changing request whose form field or X-CSRF-Token header does not match. */
export function requireCsrf(): Middleware {
  return async (ctx, next) => {
    const expected = ctx.cookies.get(COOKIE, { signed: true });
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const given = body?.[CSRF_FIELD] ?? ctx.get('x-csrf-token');
    if (!expected || !matches(expected, given)) throw new CsrfError();
    await next();
  };
}
