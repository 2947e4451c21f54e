// The operator a request acts as, for route code under /admin/api and /console: set by
// admin/operator-auth.ts (API) or console/console-guard.ts (console) before any route runs.
//
//   const operator = actingOperator(ctx);           // { accountId, email, role, kind, scopes }
//   await service.doIt(..., operatorAudit(ctx));     // audited as operator:<account id>:<e-mail>
import type { Context } from 'koa';
import type { AuditContext } from '../audit/audit-log.ts';
import { InternalError } from '../errors/http-errors.ts';
import { auditContextOf } from '../http/audit-context.ts';
import type { RequestState } from '../http/state.ts';
import { operatorActor, type ActingOperator } from '../operators/acting.ts';

export type { ActingOperator, OperatorAuthKind } from '../operators/acting.ts';
export { operatorActor, operatorName } from '../operators/acting.ts';

/** ctx.state under /admin/api and /console, once authenticated. */
export interface OperatorState extends RequestState {
  operator: ActingOperator;
}

export function setActingOperator(ctx: { state: unknown }, operator: ActingOperator): void {
  (ctx.state as Partial<OperatorState>).operator = operator;
}

/** The operator of this request; a route reached without one is a wiring mistake (500, never a pass). */
export function actingOperator(ctx: { state: unknown }): ActingOperator {
  const operator = (ctx.state as Partial<OperatorState>).operator;
  if (!operator) throw new InternalError();
  return operator;
}

/** The audit context of the request, naming the operator's account. */
export function operatorAudit(ctx: Context): AuditContext {
  return { ...auditContextOf(ctx, operatorActor(actingOperator(ctx))), accountable: true };
}
