// Small JSON values kept in the browser under koa's signed cookies (keygrip with the shared cookie
// keys): tamper-evident, readable by every process, HttpOnly and SameSite=Lax.
import type { Context } from 'koa';

export function readSignedJson<T>(ctx: Context, name: string): T | undefined {
  const raw = ctx.cookies.get(name, { signed: true });
  if (!raw) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeSignedJson(ctx: Context, name: string, value: unknown, maxAgeMs?: number): void {
  ctx.cookies.set(name, Buffer.from(JSON.stringify(value)).toString('base64url'), {
    signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, overwrite: true, ...(maxAgeMs ? { maxAge: maxAgeMs } : {}),
  });
}

export function clearCookie(ctx: Context, name: string): void {
  ctx.cookies.set(name, null, { signed: true, overwrite: true });
}
