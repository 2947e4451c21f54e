import type { Context } from 'koa';
import { isLang, LANGS, type Lang } from './lang.ts';

export const LANG_COOKIE = 'tobira.lang';

/**
 * The page language: an explicit ?lang= switch (remembered in a cookie), else the remembered
 * choice, else the browser's Accept-Language, else Japanese.
 */
export function negotiateLang(ctx: Context): Lang {
  const requested = ctx.query.lang;
  if (isLang(requested)) {
    ctx.cookies.set(LANG_COOKIE, requested, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, maxAge: 365 * 24 * 3600 * 1000, signed: false, overwrite: true });
    return requested;
  }
  const remembered = ctx.cookies.get(LANG_COOKIE, { signed: false });
  if (isLang(remembered)) return remembered;
  const accepted = ctx.acceptsLanguages(...LANGS);
  return isLang(accepted) ? accepted : 'ja';
}
