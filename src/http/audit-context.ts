// Who is acting, as the audit log records it, from the request: the domain knows no koa.
import type { Context } from 'koa';
import type { AuditContext } from '../audit/audit-log.ts';

export function auditContextOf(ctx: Context, actor = 'user'): AuditContext {
  return { ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null, actor };
}
