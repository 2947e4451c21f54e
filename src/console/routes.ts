// The operator console (/console): the sign-in (console-guard.ts), the front page, and the sections
// (sections/index.ts), each behind the guard and its own scope.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { actingOperator, type OperatorState } from '../admin/acting-operator.ts';
import type { RequestState } from '../http/state.ts';
import { OperatorForbiddenError } from '../operators/errors.ts';
import { SCOPES, roleAllows } from '../operators/roles.ts';
import { ConsoleGuard, CONSOLE_HOME } from './console-guard.ts';
import type { ConsoleDeps } from './deps.ts';
import { consoleSections } from './sections/index.ts';
import { navFor, renderConsole, sectionAllowed, setConsoleSections, type ConsoleSection } from './section.ts';

export interface ConsoleRoutesDeps extends ConsoleDeps {
  guard: ConsoleGuard;
}

/** The console's routers: the sign-in and callback (open), then everything behind the guard. */
export function consoleRoutes(deps: ConsoleRoutesDeps): Array<Router<RequestState>> {
  const sections: readonly ConsoleSection[] = consoleSections(deps);
  const router = new Router<RequestState>();
  const guarded = deps.guard.requireOperator();
  const withSections: Middleware<RequestState> = async (ctx, next) => {
    setConsoleSections(ctx, sections);
    await next();
  };

  router.get(CONSOLE_HOME, guarded, withSections, async (ctx) => {
    const operator = actingOperator(ctx);
    await renderConsole(ctx, 'console/home', {
      sections: navFor(ctx).filter((item) => item.href !== CONSOLE_HOME),
      reach: SCOPES.filter((scope) => roleAllows(operator.role, scope)),
    });
  });

  for (const section of sections) {
    const prefix = `${CONSOLE_HOME}/${section.id}`;
    const allowed: Middleware<RequestState> = async (ctx, next) => {
      if (!sectionAllowed(section, actingOperator(ctx))) throw new OperatorForbiddenError(section.scope ?? section.id);
      await next();
    };
    const routes = section.router.routes() as unknown as Middleware<RequestState>;
    const methods = section.router.allowedMethods() as unknown as Middleware<RequestState>;
    router.all([prefix, `${prefix}/*rest`], guarded, withSections, allowed, routes, methods);
  }
  return [deps.guard.routes(), router];
}

export type { OperatorState };
