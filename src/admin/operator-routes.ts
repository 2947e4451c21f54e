// The operator API's operator grants (/admin/api/operators), scope `operators` (admins): list,
// grant a role to an account by e-mail, revoke it. `npm run admin -- operators ...` calls these.
import Router from '@koa/router';
import { z } from 'zod';
import { email } from '../http/fields.ts';
import { parseForm } from '../http/forms.ts';
import type { OperatorService } from '../operators/operator-service.ts';
import { ROLES } from '../operators/roles.ts';
import { operatorAudit } from './acting-operator.ts';

export const OPERATORS_API_PREFIX = '/admin/api/operators';

const grantBody = z.object({ email, role: z.enum(ROLES as ['operator', 'admin']) });
const revokeBody = z.object({ email });

export function operatorRoutes(operators: OperatorService): Router {
  const router = new Router({ prefix: OPERATORS_API_PREFIX });

  router.get('/', async (ctx) => {
    ctx.body = { operators: await operators.list() };
  });

  router.post('/', async (ctx) => {
    const input = parseForm(grantBody, ctx.request.body);
    ctx.body = { operator: await operators.grant(input.email, input.role, operatorAudit(ctx)) };
  });

  router.post('/revoke', async (ctx) => {
    const input = parseForm(revokeBody, ctx.request.body);
    ctx.body = { revoked: await operators.revoke(input.email, operatorAudit(ctx)) };
  });
  return router;
}
