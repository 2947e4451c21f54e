// What a section of the operator console is, and how its pages are rendered. A section is a router
// under /console/<id> with the scope its pages need (operators/roles.ts; none: every operator) and
// the nav label; sections/index.ts lists them, one line each. Its routes run after the console
// guard, so `actingOperator(ctx)` and `operatorAudit(ctx)` (admin/acting-operator.ts) always work,
// and its pages render through `renderConsole`, which adds the nav, the operator and the CSRF token.
//
//   export function fooSection(deps: ConsoleDeps): ConsoleSection {
//     const router = new Router<OperatorState>({ prefix: '/console/foo' });
//     router.get('/', (ctx) => renderConsole(ctx, 'console/foo', { ... }));
//     return { id: 'foo', label: 'console.nav.foo', scope: 'accounts', router };
//   }
//
// Views live in views/console/ and start and end with
//   <%- include('partials/console-head', { title: t('console.foo.title') }) %> … <%- include('partials/console-foot') %>
import type Router from '@koa/router';
import type { Context } from 'koa';
import { actingOperator, type OperatorState } from '../admin/acting-operator.ts';
import type { AppError } from '../errors/app-error.ts';
import { csrfToken } from '../http/csrf.ts';
import { refusalOnPage } from '../http/form-refusal.ts';
import { langOf } from '../http/state.ts';
import { dateTimeFormat } from '../i18n/format-time.ts';
import { render } from '../http/render.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { roleAllows, type OperatorScope } from '../operators/roles.ts';
import type { ActingOperator } from '../operators/acting.ts';

export interface ConsoleSection {
  /** The path segment: the section lives at /console/<id>. */
  id: string;
  /** Its name in the nav. */
  label: MessageKey;
  /** What its pages need; undefined: every operator (e.g. one's own tokens). */
  scope?: OperatorScope;
  router: Router<OperatorState>;
}

/** One link of the nav. */
export interface NavItem {
  href: string;
  label: MessageKey;
  current: boolean;
}

interface ConsoleState {
  consoleSections?: readonly ConsoleSection[];
}

export function sectionAllowed(section: ConsoleSection, operator: ActingOperator): boolean {
  return section.scope === undefined || (roleAllows(operator.role, section.scope) && operator.scopes.includes(section.scope));
}

/** Called by the console's router before the sections run: what the nav may offer. */
export function setConsoleSections(ctx: { state: unknown }, sections: readonly ConsoleSection[]): void {
  (ctx.state as ConsoleState).consoleSections = sections;
}

/** The nav for this operator, with the section of `path` marked current. */
export function navFor(ctx: Context): NavItem[] {
  const operator = actingOperator(ctx);
  const sections = (ctx.state as ConsoleState).consoleSections ?? [];
  return [
    { href: '/console', label: 'console.nav.home', current: ctx.path === '/console' },
    ...sections.filter((s) => sectionAllowed(s, operator)).map((s) => ({
      href: `/console/${s.id}`,
      label: s.label,
      current: ctx.path === `/console/${s.id}` || ctx.path.startsWith(`/console/${s.id}/`),
    })),
  ];
}

/** Renders views/<view>.ejs as a console page: with the nav, the operator and a CSRF token. */
export async function renderConsole(ctx: Context, view: string, data: Record<string, unknown> = {}, status = 200): Promise<void> {
  await render(ctx, view, { ...data, nav: navFor(ctx), operator: actingOperator(ctx), csrf: csrfToken(ctx) }, status);
}

/**
 * A refusal shown on a console form: the message in the page's language, its code, and the field it
 * is about (InvalidInputError's and InvalidClientMetadataError's `field`, or `fieldByCode`), so the view can tie the
 * message to that input (aria-invalid, aria-describedby).
 */
export function formRefusal(ctx: Context, error: AppError | undefined, fieldByCode: Readonly<Record<string, string>> = {}): { error: string | undefined; errorCode: string | undefined; errorField: string | undefined } {
  const field = (error as { field?: unknown } | undefined)?.field;
  const byCode = error ? fieldByCode[error.code] : undefined;
  return { ...refusalOnPage(ctx, error), errorField: byCode ?? (typeof field === 'string' ? field : undefined) };
}

/** A time as the console shows it, in the page's language and DISPLAY_TIME_ZONE. */
export function consoleTime(ctx: Context, timeZone: string): (at: Date | null | undefined) => string {
  const format = dateTimeFormat(langOf(ctx), timeZone);
  return (at) => (at ? format.format(at) : '—');
}
