// The operator API's gate: a bearer token (ADMIN_TOKEN), nothing else. User sessions and their
// cookies mean nothing here, and with no token configured the API does not exist.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { auditContextOf } from '../http/audit-context.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { AdminApiOffError, AdminUnauthorizedError } from './errors.ts';

const REALM = 'tobira-admin';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Lets a request through only with `Authorization: Bearer <token>`. The digests are compared, so
 * the comparison takes the same time whatever the length of the presented token. A refusal is
 * audited (never with the presented token) and answered 401 with a WWW-Authenticate challenge.
 */
export function requireAdminToken(token: string | null, audit: AuditLog): Middleware {
  const expected = token === null ? null : digest(token);
  return async (ctx, next) => {
    if (expected === null) throw new AdminApiOffError();
    const header = ctx.get('authorization');
    const presented = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      const reason = header === '' ? 'missing_token' : presented === undefined ? 'malformed_header' : 'wrong_token';
      await audit.record('admin.unauthorized', null, auditContextOf(ctx, 'anonymous'), { method: ctx.method, path: ctx.path, reason });
      ctx.set('WWW-Authenticate', header === '' ? `Bearer realm="${REALM}"` : `Bearer realm="${REALM}", error="invalid_token"`);
      throw new AdminUnauthorizedError();
    }
    await next();
  };
}
