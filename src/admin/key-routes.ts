// The operator API's signing keys (/admin/api/keys, scope `keys`): list, generate the next keys,
// promote them, retire a generation. JSON in and out; the rules are oidc/signing-key-lifecycle.ts,
// the operations oidc/signing-key-service.ts. Every change is audited with the authenticated
// operator's account (acting-operator.ts); an `operator` field in a body (older CLIs send one) is
// accepted and ignored. With SIGNING_KEYS_FILE every change is refused (signing_keys_from_file).
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { InvalidInputError } from '../errors/http-errors.ts';
import { parseForm } from '../http/forms.ts';
import type { SigningKeyService } from '../oidc/signing-key-service.ts';
import { operatorAudit } from './acting-operator.ts';

export const KEYS_API_PREFIX = '/admin/api/keys';

const changeBody = z.object({});
const retireBody = z.object({ immediately: z.boolean().default(false) });
/** A JWK thumbprint (what tobira generates) or a file's kid: printable, bounded. */
export const KID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

function kidOf(ctx: Context): string {
  const kid = String((ctx.params as Record<string, string>).kid ?? '');
  if (!KID_PATTERN.test(kid)) throw new InvalidInputError('kid');
  return kid;
}

/** The body without `operator` (none: {}); a field the endpoint does not know is refused by its name. */
function fieldsOf(ctx: Context, known: readonly string[]): Record<string, unknown> {
  const raw: unknown = ctx.request.body;
  const body = raw === undefined || raw === null || raw === '' ? {} : raw;
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidInputError();
  const { operator: _operator, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new InvalidInputError(unknown);
  return rest;
}

export function keyRoutes(keys: SigningKeyService): Router {
  const router = new Router({ prefix: KEYS_API_PREFIX });

  router.get('/', async (ctx) => {
    ctx.body = await keys.list();
  });

  router.post('/generate', async (ctx) => {
    parseForm(changeBody, fieldsOf(ctx, []));
    ctx.status = 201;
    ctx.body = await keys.generate(operatorAudit(ctx));
  });

  router.post('/promote', async (ctx) => {
    parseForm(changeBody, fieldsOf(ctx, []));
    ctx.body = await keys.promote(operatorAudit(ctx));
  });

  router.post('/:kid/retire', async (ctx) => {
    const kid = kidOf(ctx);
    const input = parseForm(retireBody, fieldsOf(ctx, Object.keys(retireBody.shape)));
    ctx.body = await keys.retire(kid, { immediately: input.immediately }, operatorAudit(ctx));
  });

  return router;
}
