// What every rendered page carries around its own content: the operator's brand (name, logo,
// colour through the stylesheet) and the addresses of the page's stylesheet and script.
import type { Middleware } from 'koa';
import type { PageAssets } from './page-assets.ts';

export interface Brand {
  /** The operator's name for the service; null: tobira's own (translated) name. */
  name: string | null;
  /** An https: URL or a path on tobira (config/checks.ts brandLogoProblem); null: tobira's mark. */
  logoUrl: string | null;
  /** The primary colour, #rrggbb (the stylesheet has it too; this is for the browser's theme colour). */
  color: string;
}

export interface PageChrome {
  brand: Brand;
  /** tobira's own origin (the issuer's): images there are same-origin. */
  origin: string;
  assets: PageAssets;
}

/** Serves the hashed stylesheet and scripts, and hands the chrome to render() through ctx.state. */
export function pageChrome(chrome: PageChrome): Middleware {
  const serveAssets = chrome.assets.middleware();
  return async (ctx, next) => {
    (ctx.state as { chrome: PageChrome }).chrome = chrome;
    await serveAssets(ctx, next);
  };
}

/**
 * A partner's logo_uri is shown only when it cannot be mixed content: https:, or on tobira itself
 * (`origin`, or a path). Anything else (http: elsewhere, data:, javascript:) shows the name alone.
 */
export function safeImageUrl(value: unknown, origin: string): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return null;
  if (value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')) return value;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.origin === origin ? url.href : null;
  } catch {
    return null;
  }
}
