import { resolve } from 'node:path';
import ejs from 'ejs';
import type { Context } from 'koa';
import { PROJECT_ROOT } from '../config/settings.ts';
import { MIN_PASSWORD_LENGTH } from '../accounts/password-policy.ts';
import { VIEW_KEYS } from '../i18n/view-keys.ts';
import { fieldAttributes } from './field-errors.ts';
import { safeImageUrl } from './page-chrome.ts';
import { stateOf } from './state.ts';

const VIEWS = resolve(PROJECT_ROOT, 'views');

/** Renders views/<name>.ejs as the response, with the language helpers every page uses. */
export async function render(ctx: Context, name: string, data: Record<string, unknown> = {}, status = 200): Promise<void> {
  const state = stateOf(ctx);
  const { brand, assets, origin } = state.chrome;
  const html = await ejs.renderFile(resolve(VIEWS, `${name}.ejs`), {
    ...data,
    // Which page this is, for the stylesheet and the browser suites (axe, screenshots): the view,
    // and the account menu's section.
    pageId: typeof data.section === 'string' ? `${name}-${data.section}` : name,
    brandName: brand.name ?? state.t('app.name'),
    brandLogoUrl: brand.logoUrl,
    brandColor: brand.color,
    stylesheetUrl: assets.stylesheetUrl,
    scriptUrl: (src: string) => assets.scriptUrl(src),
    safeImageUrl: (value: unknown) => safeImageUrl(value, origin),
    // The policy's length, for the password hint (views/partials/password-extras.ejs).
    passwordMin: MIN_PASSWORD_LENGTH,
    field: (fieldName: string, describedBy?: string) => fieldAttributes(data.errorCode, data.errorField, fieldName, describedBy),
    lang: state.lang,
    t: state.t,
    keys: VIEW_KEYS,
    requestId: state.requestId,
    langSwitchHref: langSwitchHref(ctx, state.lang === 'ja' ? 'en' : 'ja'),
    // Compiled once per template in every mode: compiling per request cost ~6 % of a sign-in's CPU,
    // and the memory store (development) is what the figures in docs/performance.md measure.
    // Edits to views/ show after a restart.
  }, { cache: true, root: VIEWS });
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = html;
}

/**
 * The same page in the other language: a query-only relative link, so the browser keeps the page's
 * own address. Never built from the request path: `GET //evil.example/x` would otherwise render a
 * link to `//evil.example/x?lang=en`, another site.
 */
function langSwitchHref(ctx: Context, target: string): string {
  const params = new URLSearchParams(ctx.querystring);
  params.set('lang', target);
  return `?${params.toString()}`;
}
