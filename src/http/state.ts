import type { Lang } from '../i18n/lang.ts';
import type { Translate } from '../i18n/messages.ts';
import type { Logger } from '../log.ts';
import type { PageChrome } from './page-chrome.ts';

/** What the request-context middleware puts on ctx.state for everything after it. */
export interface RequestState {
  requestId: string;
  log: Logger;
  lang: Lang;
  t: Translate;
  /** What every page shows around its content (brand, stylesheet, script addresses); set by pageChrome(). */
  chrome: PageChrome;
}

/** The request's state, for helpers that take any koa context (routers type theirs already). */
export function stateOf(ctx: { state: unknown }): RequestState {
  return ctx.state as RequestState;
}

/** The language the request-context middleware negotiated for this request. */
export function langOf(ctx: { state: unknown }): Lang {
  return stateOf(ctx).lang;
}
