// The operator API (/admin/api/...): JSON in, JSON out. Who may call it, and as whom, is
// operator-auth.ts; each section of the API is a router with the scope it needs (operators/roles.ts),
// checked before the section's routes run. Mounted as one middleware so that every path under
// /admin/api, known or not, is behind authentication and answers JSON errors whatever the client
// accepts (curl sends Accept: */*).
//
// Adding a section: build a Router with prefix `${ADMIN_API_PREFIX}/<name>` whose routes read the
// operator with actingOperator(ctx) / operatorAudit(ctx) (acting-operator.ts), and pass it as
// `{ scope, router }` in `sections` (app/routes.ts).
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.ts';
import { InternalError, NotFoundError } from '../errors/http-errors.ts';
import { asAppError } from '../http/error-handler.ts';
import type { RequestState } from '../http/state.ts';
import { parseForm, type BodyReaders } from '../http/forms.ts';
import type { RecoveryService } from '../flows/recovery/service.ts';
import { RecoveryRequestNotFoundError } from '../flows/recovery/errors.ts';
import { OperatorForbiddenError } from '../operators/errors.ts';
import type { OperatorService } from '../operators/operator-service.ts';
import type { OperatorScope } from '../operators/roles.ts';
import { actingOperator, operatorAudit, operatorName } from './acting-operator.ts';
import type { ClientRegistry } from './client-registry.ts';
import { clientRoutes } from './client-routes.ts';
import type { ConsoleSessionDeps } from './console-session.ts';
import { authenticateOperator } from './operator-auth.ts';
import { operatorRoutes } from './operator-routes.ts';

export const ADMIN_API_PREFIX = '/admin/api';

/** One part of the operator API: its router (prefix under /admin/api) and the scope it needs. */
export interface ApiSection {
  scope: OperatorScope;
  router: Router;
}

export interface AdminApiDeps {
  /** ADMIN_TOKEN, the bootstrap token. */
  adminToken: string | null;
  adminTokenAfterBootstrap: boolean;
  recovery: RecoveryService;
  /** The partner services kept in the store (/admin/api/clients). */
  clients: ClientRegistry;
  operators: OperatorService;
  /** How the console's session is judged (the API accepts it too). */
  console: ConsoleSessionDeps;
  audit: AuditLog;
  bodies: BodyReaders;
  /** Sections added by other features (accounts, audit, keys, ...). */
  sections?: readonly ApiSection[];
}

const listQuery = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'completed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
// `operator` is still accepted in bodies (older CLIs send it) and ignored: who acts is who authenticated.
const approveBody = z.object({ note: z.string().trim().max(1000).default('') });
const rejectBody = z.object({ reason: z.string().trim().min(1).max(1000) });
const requestId = /^[A-Za-z0-9_-]{1,64}$/;

function idOf(ctx: Context): string {
  const id = String((ctx.params as Record<string, string>).id ?? '');
  if (!requestId.test(id)) throw new RecoveryRequestNotFoundError();
  return id;
}

function recoveryRoutes(recovery: RecoveryService): Router {
  const router = new Router({ prefix: `${ADMIN_API_PREFIX}/recovery-requests` });

  router.get('/', async (ctx) => {
    const query = parseForm(listQuery, ctx.query);
    ctx.body = { requests: await recovery.list({ ...(query.status ? { status: query.status } : {}), limit: query.limit }) };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = await recovery.show(idOf(ctx), operatorAudit(ctx));
  });

  router.post('/:id/approve', async (ctx) => {
    const id = idOf(ctx);
    const input = parseForm(approveBody, ctx.request.body);
    ctx.body = await recovery.approve(id, { operator: operatorName(actingOperator(ctx)), note: input.note }, operatorAudit(ctx));
  });

  router.post('/:id/reject', async (ctx) => {
    const id = idOf(ctx);
    const input = parseForm(rejectBody, ctx.request.body);
    ctx.body = { request: await recovery.reject(id, { operator: operatorName(actingOperator(ctx)), note: input.reason }, operatorAudit(ctx)) };
  });

  // Re-runs the clean-up after a used enrolment link when it failed (recovery.completion_failed).
  router.post('/:id/complete', async (ctx) => {
    ctx.body = await recovery.complete(idOf(ctx), operatorAudit(ctx));
  });
  return router;
}

/** The operator API as one middleware; `routers` list its endpoints for tests that walk them all. */
export type OperatorApi = Middleware<RequestState> & { readonly router: Router; readonly routers: readonly Router[] };

function prefixOf(router: Router): string {
  return router.opts.prefix ?? '';
}

export function adminApi(deps: AdminApiDeps): OperatorApi {
  const recovery = recoveryRoutes(deps.recovery);
  const sections: ApiSection[] = [
    { scope: 'recovery', router: recovery },
    { scope: 'clients', router: clientRoutes(deps.clients) },
    { scope: 'operators', router: operatorRoutes(deps.operators) },
    ...(deps.sections ?? []),
  ];
  const authenticated = authenticateOperator({
    adminToken: deps.adminToken,
    adminTokenAfterBootstrap: deps.adminTokenAfterBootstrap,
    operators: deps.operators,
    audit: deps.audit,
    console: deps.console,
  });
  const body = deps.bodies.api;
  const mounted = sections.map((section) => ({ ...section, prefix: prefixOf(section.router), routes: section.router.routes() as unknown as Middleware<RequestState> }));
  const unknownPath = async (): Promise<void> => { throw new NotFoundError(); };

  /** The section the path belongs to; its scope is checked before any of its routes runs. */
  const dispatch: Middleware<RequestState> = async (ctx) => {
    const section = mounted.find((s) => ctx.path === s.prefix || ctx.path.startsWith(`${s.prefix}/`));
    if (!section) return unknownPath();
    const operator = actingOperator(ctx);
    if (!operator.scopes.includes(section.scope)) {
      await deps.audit.record('admin.forbidden', operator.accountId, operatorAudit(ctx), { method: ctx.method, path: ctx.path, scope: section.scope, via: operator.kind });
      throw new OperatorForbiddenError(section.scope);
    }
    await section.routes(ctx, unknownPath);
  };

  const middleware: Middleware<RequestState> = async (ctx, next) => {
    if (ctx.path !== ADMIN_API_PREFIX && !ctx.path.startsWith(`${ADMIN_API_PREFIX}/`)) {
      await next();
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    try {
      // Authentication first: nothing else (not even the body) is read for an unauthorised caller.
      await authenticated(ctx, () => body(ctx, () => dispatch(ctx, async () => {})));
    } catch (err) {
      const error = asAppError(err) ?? new InternalError();
      if (error.status >= 500) ctx.state.log.error({ err }, 'operator API error');
      ctx.status = error.status;
      ctx.body = { error: error.code, message: error.messages[ctx.state.lang], requestId: ctx.state.requestId };
    }
  };
  return Object.assign(middleware, { router: recovery, routers: sections.map((s) => s.router) });
}
