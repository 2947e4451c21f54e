// Who may call the operator API (/admin/api), and as whom. Three ways in, tried in this order:
//   1. `Authorization: Bearer tobira_op_…` — an operator's personal token (created in the console,
//      hashed at rest, scoped, expiring, revocable; operators/operator-service.ts checks it);
//   2. `Authorization: Bearer <ADMIN_TOKEN>` — the bootstrap token, an admin with every scope, but
//      only while no account holds `admin` (or with ADMIN_TOKEN_AFTER_BOOTSTRAP);
//   3. no Authorization header — the console's session (admin/console-session.ts: passkey, fresh,
//      a role), with the console's CSRF token in X-CSRF-Token on anything but GET and HEAD.
// The acting operator is put on ctx.state.operator (admin/acting-operator.ts). Refusals are audited
// (never with what was presented) and answered 401 with a Bearer challenge.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditContextOf } from '../http/audit-context.ts';
import { requireCsrf } from '../http/csrf.ts';
import { operatorActor, type ActingOperator } from '../operators/acting.ts';
import { AdminTokenRetiredError } from '../operators/errors.ts';
import { looksLikeOperatorToken, type OperatorService } from '../operators/operator-service.ts';
import { SCOPES } from '../operators/roles.ts';
import { consoleAccess, type ConsoleSessionDeps } from './console-session.ts';
import { setActingOperator } from './acting-operator.ts';
import { AdminUnauthorizedError } from './errors.ts';

const REALM = 'tobira-admin';

export interface OperatorAuthDeps {
  /** ADMIN_TOKEN, the bootstrap token; null when unset. */
  adminToken: string | null;
  /** ADMIN_TOKEN_AFTER_BOOTSTRAP. */
  adminTokenAfterBootstrap: boolean;
  operators: OperatorService;
  audit: AuditLog;
  console: ConsoleSessionDeps;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function authenticateOperator(deps: OperatorAuthDeps): Middleware {
  const bootstrap = deps.adminToken === null ? null : digest(deps.adminToken);
  const csrf = requireCsrf();

  async function refuse(ctx: Context, reason: string, accountId: string | null, challenge: boolean): Promise<never> {
    await deps.audit.record('admin.unauthorized', accountId, auditContextOf(ctx, 'anonymous'), { method: ctx.method, path: ctx.path, reason });
    ctx.set('WWW-Authenticate', challenge ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`);
    throw new AdminUnauthorizedError();
  }

  async function byBearer(ctx: Context, presented: string): Promise<ActingOperator> {
    if (looksLikeOperatorToken(presented)) {
      const check = await deps.operators.checkToken(presented);
      if (!check.ok) return refuse(ctx, check.reason, check.accountId, true);
      return { accountId: check.account.id, email: check.account.email, role: check.grant.role, kind: 'token', scopes: check.scopes, tokenId: check.token.id };
    }
    if (bootstrap === null || !timingSafeEqual(digest(presented), bootstrap)) return refuse(ctx, 'wrong_token', null, true);
    if (!deps.adminTokenAfterBootstrap && await deps.operators.hasAdmin()) {
      await deps.audit.record('admin.unauthorized', null, auditContextOf(ctx, 'anonymous'), { method: ctx.method, path: ctx.path, reason: 'bootstrap_token_retired' });
      ctx.set('WWW-Authenticate', `Bearer realm="${REALM}", error="invalid_token"`);
      throw new AdminTokenRetiredError();
    }
    return { accountId: null, email: null, role: 'admin', kind: 'bootstrap', scopes: [...SCOPES] };
  }

  async function bySession(ctx: Context): Promise<ActingOperator> {
    const access = await consoleAccess(ctx, deps.console);
    if (!access.ok) {
      // With no session at all this is a caller that sent nothing: the plain challenge.
      return refuse(ctx, access.reason === 'no_session' ? 'missing_token' : `console_${access.reason}`, access.session?.account.id ?? null, access.reason !== 'no_session');
    }
    // A cookie rides along on any site's request: a change needs the console page's CSRF token.
    if (!SAFE_METHODS.has(ctx.method)) await csrf(ctx, async () => {});
    return access.operator;
  }

  return async (ctx, next) => {
    const header = ctx.get('authorization');
    let operator: ActingOperator;
    if (header === '') {
      operator = await bySession(ctx);
    } else {
      const presented = /^Bearer +(\S+) *$/i.exec(header)?.[1];
      if (presented === undefined) return refuse(ctx, 'malformed_header', null, true);
      operator = await byBearer(ctx, presented);
    }
    setActingOperator(ctx, operator);
    ctx.state.log.info({ operator: operatorActor(operator), via: operator.kind }, 'operator request');
    await next();
  };
}
