// The operator API (/admin/api/...): JSON in, JSON out, bearer token only (see admin-auth.ts).
// Mounted as one middleware so that every path under /admin/api, known or not, is behind the token
// and answers JSON errors whatever the client accepts (curl sends Accept: */*).
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../http/audit-context.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { InternalError, NotFoundError } from '../errors/http-errors.ts';
import { asAppError } from '../http/error-handler.ts';
import type { RequestState } from '../http/state.ts';
import { parseForm, type BodyReaders } from '../http/forms.ts';
import { operatorActor, type RecoveryService } from '../flows/recovery/service.ts';
import { RecoveryRequestNotFoundError } from '../flows/recovery/errors.ts';
import { requireAdminToken } from './admin-auth.ts';
import type { ClientRegistry } from './client-registry.ts';
import { clientRoutes } from './client-routes.ts';

export const ADMIN_API_PREFIX = '/admin/api';

export interface AdminApiDeps {
  adminToken: string | null;
  recovery: RecoveryService;
  /** The partner services kept in the store (/admin/api/clients). */
  clients: ClientRegistry;
  audit: AuditLog;
  bodies: BodyReaders;
  /** Sections added by other features (accounts, audit, ...): routers with their prefix under /admin/api. */
  sections?: ReadonlyArray<{ scope: string; router: Router }>;
}

const operatorName = z.string().trim().regex(/^[A-Za-z0-9._@-]{1,64}$/);
const listQuery = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'completed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const approveBody = z.object({ operator: operatorName, note: z.string().trim().max(1000).default('') });
const rejectBody = z.object({ operator: operatorName, reason: z.string().trim().min(1).max(1000) });
const completeBody = z.object({ operator: operatorName });
const requestId = /^[A-Za-z0-9_-]{1,64}$/;

function idOf(ctx: Context): string {
  const id = String((ctx.params as Record<string, string>).id ?? '');
  if (!requestId.test(id)) throw new RecoveryRequestNotFoundError();
  return id;
}

/** Reads have no operator field; an optional X-Operator header names who looked. */
function readerActor(ctx: Context): string {
  const named = operatorName.safeParse(ctx.get('x-operator'));
  return operatorActor(named.success ? named.data : 'unnamed');
}

/** The operator API as one middleware; `routers` list its endpoints for tests that walk them all. */
export type OperatorApi = Middleware<RequestState> & { readonly router: Router; readonly routers: readonly Router[] };

export function adminApi(deps: AdminApiDeps): OperatorApi {
  const { recovery } = deps;
  const router = new Router({ prefix: `${ADMIN_API_PREFIX}/recovery-requests` });

  router.get('/', async (ctx) => {
    const query = parseForm(listQuery, ctx.query);
    ctx.body = { requests: await recovery.list({ ...(query.status ? { status: query.status } : {}), limit: query.limit }) };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = await recovery.show(idOf(ctx), auditContextOf(ctx, readerActor(ctx)));
  });

  router.post('/:id/approve', async (ctx) => {
    const id = idOf(ctx);
    const input = parseForm(approveBody, ctx.request.body);
    ctx.body = await recovery.approve(id, { operator: input.operator, note: input.note }, auditContextOf(ctx, operatorActor(input.operator)));
  });

  router.post('/:id/reject', async (ctx) => {
    const id = idOf(ctx);
    const input = parseForm(rejectBody, ctx.request.body);
    ctx.body = { request: await recovery.reject(id, { operator: input.operator, note: input.reason }, auditContextOf(ctx, operatorActor(input.operator))) };
  });

  // Re-runs the clean-up after a used enrolment link when it failed (recovery.completion_failed).
  router.post('/:id/complete', async (ctx) => {
    const id = idOf(ctx);
    const input = parseForm(completeBody, ctx.request.body);
    ctx.body = await recovery.complete(id, auditContextOf(ctx, operatorActor(input.operator)));
  });

  const authorised = requireAdminToken(deps.adminToken, deps.audit);
  const body = deps.bodies.api;
  // The router adds `params` to the context itself; it is typed as if the caller had to.
  const clients = clientRoutes(deps.clients);
  const recoveryRoutes = router.routes() as unknown as Middleware<RequestState>;
  const clientsRoutes = clients.routes() as unknown as Middleware<RequestState>;
  const more = (deps.sections ?? []).map((section) => section.router.routes() as unknown as Middleware<RequestState>);
  const chained: Middleware<RequestState> = (ctx, next) => more.reduceRight<() => Promise<unknown>>((after, routes) => () => routes(ctx, after), next)();
  const routes: Middleware<RequestState> = (ctx, next) => recoveryRoutes(ctx, () => clientsRoutes(ctx, () => chained(ctx, next)));
  const unknownPath = async (): Promise<void> => { throw new NotFoundError(); };

  const middleware: Middleware<RequestState> = async (ctx, next) => {
    if (ctx.path !== ADMIN_API_PREFIX && !ctx.path.startsWith(`${ADMIN_API_PREFIX}/`)) {
      await next();
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    try {
      // The token first: nothing else (not even the body) is read for an unauthorised caller.
      await authorised(ctx, () => body(ctx, () => routes(ctx, unknownPath)));
    } catch (err) {
      const error = asAppError(err) ?? new InternalError();
      if (error.status >= 500) ctx.state.log.error({ err }, 'operator API error');
      ctx.status = error.status;
      ctx.body = { error: error.code, message: error.messages[ctx.state.lang], requestId: ctx.state.requestId };
    }
  };
  return Object.assign(middleware, { router, routers: [router, clients, ...(deps.sections ?? []).map((section) => section.router)] });
}
