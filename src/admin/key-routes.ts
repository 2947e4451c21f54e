// The operator API's signing keys (/admin/api/keys): list, generate the next keys, promote them,
// retire a generation. JSON in and out; the rules are oidc/signing-key-lifecycle.ts, the operations
// oidc/signing-key-service.ts. Every change names its operator (body `operator`, or the X-Operator
// header) and is audited as operator:<name>. With SIGNING_KEYS_FILE every change is refused
// (signing_keys_from_file).
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { auditContextOf } from '../http/audit-context.ts';
import { InvalidInputError } from '../errors/http-errors.ts';
import { parseForm } from '../http/forms.ts';
import { operatorActor } from '../flows/recovery/service.ts';
import type { SigningKeyService } from '../oidc/signing-key-service.ts';

export const KEYS_API_PREFIX = '/admin/api/keys';

const operatorName = z.string().trim().regex(/^[A-Za-z0-9._@-]{1,64}$/);
const changeBody = z.object({ operator: operatorName });
const retireBody = z.object({ operator: operatorName, immediately: z.boolean().default(false) });
/** A JWK thumbprint (what tobira generates) or a file's kid: printable, bounded. */
const KID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

function kidOf(ctx: Context): string {
  const kid = String((ctx.params as Record<string, string>).kid ?? '');
  if (!KID_PATTERN.test(kid)) throw new InvalidInputError('kid');
  return kid;
}

/**
 * The body, with who makes the change: `operator` in the body, else the X-Operator header
 * (required); a field the endpoint does not know is refused by its name.
 */
function bodyWithOperator(ctx: Context, known: readonly string[]): Record<string, unknown> {
  const raw: unknown = ctx.request.body;
  const body = raw === undefined || raw === null || raw === '' ? {} : raw;
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidInputError();
  const named = body as Record<string, unknown>;
  const unknown = Object.keys(named).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new InvalidInputError(unknown);
  return 'operator' in named ? named : { ...named, operator: ctx.get('x-operator') };
}

export function keyRoutes(keys: SigningKeyService): Router {
  const router = new Router({ prefix: KEYS_API_PREFIX });

  router.get('/', async (ctx) => {
    ctx.body = await keys.list();
  });

  router.post('/generate', async (ctx) => {
    const input = parseForm(changeBody, bodyWithOperator(ctx, Object.keys(changeBody.shape)));
    ctx.status = 201;
    ctx.body = await keys.generate(auditContextOf(ctx, operatorActor(input.operator)));
  });

  router.post('/promote', async (ctx) => {
    const input = parseForm(changeBody, bodyWithOperator(ctx, Object.keys(changeBody.shape)));
    ctx.body = await keys.promote(auditContextOf(ctx, operatorActor(input.operator)));
  });

  router.post('/:kid/retire', async (ctx) => {
    const kid = kidOf(ctx);
    const input = parseForm(retireBody, bodyWithOperator(ctx, Object.keys(retireBody.shape)));
    ctx.body = await keys.retire(kid, { immediately: input.immediately }, auditContextOf(ctx, operatorActor(input.operator)));
  });

  return router;
}
