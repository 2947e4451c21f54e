// The operator API's partner services (/admin/api/clients): list, show, create, update, disable,
// enable, delete, rotate the secret. JSON in and out; rules in admin/client-registry.ts. Every change
// is audited with the authenticated operator's account (acting-operator.ts); an `operator` field in
// a body (older CLIs send one) is accepted and ignored.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { InvalidInputError } from '../errors/http-errors.ts';
import { parseForm } from '../http/forms.ts';
import { operatorAudit } from './acting-operator.ts';
import { CLIENT_ID_PATTERN, type ClientRegistry } from './client-registry.ts';
import { ClientNotFoundError } from './errors.ts';

export const CLIENTS_API_PREFIX = '/admin/api/clients';

/** OpenID client metadata: an object; what it holds is oidc-provider's to judge. */
const metadata = z.record(z.string(), z.unknown());
const createBody = z.object({ metadata, disabled: z.boolean().default(false) });
const updateBody = z.object({ revision: z.number().int().min(1), metadata, rotateSecret: z.boolean().default(false) });

function idOf(ctx: Context): string {
  const id = String((ctx.params as Record<string, string>).id ?? '');
  if (!CLIENT_ID_PATTERN.test(id)) throw new ClientNotFoundError();
  return id;
}

/** The body without `operator`; a field the endpoint does not know is refused by its name. */
function fieldsOf(body: unknown, known: readonly string[]): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { operator: _operator, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new InvalidInputError(unknown);
  return rest;
}

export function clientRoutes(registry: ClientRegistry): Router {
  const router = new Router({ prefix: CLIENTS_API_PREFIX });
  const audited = operatorAudit;

  router.get('/', async (ctx) => {
    ctx.body = { clients: await registry.list() };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = { client: await registry.get(idOf(ctx)) };
  });

  router.post('/', async (ctx) => {
    const context = audited(ctx);
    const input = parseForm(createBody, fieldsOf(ctx.request.body, Object.keys(createBody.shape)));
    const created = await registry.create(input, context);
    ctx.status = 201;
    ctx.body = created;
  });

  router.put('/:id', async (ctx) => {
    const id = idOf(ctx);
    const context = audited(ctx);
    ctx.body = await registry.update(id, parseForm(updateBody, fieldsOf(ctx.request.body, Object.keys(updateBody.shape))), context);
  });

  router.post('/:id/disable', async (ctx) => {
    const id = idOf(ctx);
    ctx.body = { client: await registry.setDisabled(id, true, audited(ctx)) };
  });

  router.post('/:id/enable', async (ctx) => {
    const id = idOf(ctx);
    ctx.body = { client: await registry.setDisabled(id, false, audited(ctx)) };
  });

  router.post('/:id/rotate-secret', async (ctx) => {
    const id = idOf(ctx);
    ctx.body = await registry.rotateSecret(id, audited(ctx));
  });

  router.delete('/:id', async (ctx) => {
    const id = idOf(ctx);
    await registry.delete(id, audited(ctx));
    ctx.body = { deleted: id };
  });

  return router;
}
