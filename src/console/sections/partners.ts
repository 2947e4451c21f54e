// The console's partners pages (/console/partners), admins only (scope `clients`): list, create,
// edit, disable, enable, delete and rotate the secret of the partner services (OIDC clients) kept in
// the store, through admin/client-registry.ts — the same rules as the API and the CLI, oidc-provider's
// own validation included. A new secret is shown once, on the page that answers the change; a
// refusal is shown on the form, tied to the field it is about. Destructive steps are confirmed at
// the same address (GET asks, POST does it).
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { operatorAudit, type OperatorState } from '../../admin/acting-operator.ts';
import { CLIENT_ID_PATTERN, type ClientView, type WithSecret } from '../../admin/client-registry.ts';
import { ClientNotFoundError } from '../../admin/errors.ts';
import type { AppError } from '../../errors/app-error.ts';
import { showingRefusals } from '../../http/form-refusal.ts';
import { parseForm } from '../../http/forms.ts';
import { seeOther } from '../../http/see-other.ts';
import { langOf } from '../../http/state.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import { translator } from '../../i18n/messages.ts';
import type { ConsoleDeps } from '../deps.ts';
import { consoleTime, formRefusal, renderConsole, type ConsoleSection } from '../section.ts';

const PREFIX = '/console/partners';
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
// RS256 is what a partner gets when its registration names none (every OpenID client verifies it);
// ES256 signs about ten times cheaper (docs/performance.md) for partners whose library accepts it.
export const ID_TOKEN_ALGS = ['RS256', 'ES256'] as const;

const NOTICES: Readonly<Record<string, MessageKey>> = {
  created: 'console.partners.notice_created',
  saved: 'console.partners.notice_saved',
  disabled: 'console.partners.notice_disabled',
  enabled: 'console.partners.notice_enabled',
  deleted: 'console.partners.notice_deleted',
};

/** What the form posts; everything else of a client's metadata is kept as it is on an edit. */
const lines = z.string().max(8_000).transform((text) => text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0));
const checked = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.enum(values)).max(values.length));
const partnerForm = z.object({
  client_name: z.string().trim().max(200),
  redirect_uris: lines,
  post_logout_redirect_uris: lines.default([]),
  token_endpoint_auth_method: z.enum(AUTH_METHODS),
  // Absent (a form without the field, an API client's script): the registration keeps what it has.
  // Any other algorithm oidc-provider signs with (set through the API) is judged by its metadata rules.
  id_token_signed_response_alg: z.string().regex(/^[A-Za-z0-9]{2,16}$/).optional(),
  grant_types: checked(GRANT_TYPES),
  logo_uri: z.string().trim().max(2_000).default(''),
});
const createForm = partnerForm.extend({ client_id: z.string().trim().max(128), disabled: z.string().optional() });
const editForm = partnerForm.extend({ revision: z.coerce.number().int().min(1), rotate_secret: z.string().optional() });

/** The form's fields as the view shows them again (what was typed, or the client's). */
interface FormValues {
  client_id: string;
  client_name: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  token_endpoint_auth_method: string;
  id_token_signed_response_alg: string;
  grant_types: string[];
  logo_uri: string;
  disabled: boolean;
  revision: number;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);

function valuesOf(client: ClientView): FormValues {
  const m = client.metadata;
  return {
    client_id: client.clientId,
    client_name: text(m.client_name),
    redirect_uris: list(m.redirect_uris).join('\n'),
    post_logout_redirect_uris: list(m.post_logout_redirect_uris).join('\n'),
    token_endpoint_auth_method: text(m.token_endpoint_auth_method) || 'client_secret_basic',
    id_token_signed_response_alg: text(m.id_token_signed_response_alg) || 'RS256',
    grant_types: m.grant_types === undefined ? ['authorization_code'] : list(m.grant_types),
    logo_uri: text(m.logo_uri),
    disabled: client.disabled,
    revision: client.revision ?? 0,
  };
}

function postedValues(body: Record<string, unknown>, revision = 0): FormValues {
  return {
    client_id: text(body.client_id),
    client_name: text(body.client_name),
    redirect_uris: text(body.redirect_uris),
    post_logout_redirect_uris: text(body.post_logout_redirect_uris),
    token_endpoint_auth_method: text(body.token_endpoint_auth_method),
    id_token_signed_response_alg: text(body.id_token_signed_response_alg),
    grant_types: list(body.grant_types),
    logo_uri: text(body.logo_uri),
    disabled: body.disabled !== undefined,
    revision,
  };
}

/** The form's fields as client metadata over `base` (the client's current metadata on an edit). */
function metadataOf(input: z.infer<typeof partnerForm>, base: Record<string, unknown>): Record<string, unknown> {
  const { post_logout_redirect_uris: _p, logo_uri: _l, ...rest } = base;
  const signsUsersIn = input.grant_types.includes('authorization_code');
  return {
    ...rest,
    client_name: input.client_name,
    redirect_uris: input.redirect_uris,
    ...(input.post_logout_redirect_uris.length ? { post_logout_redirect_uris: input.post_logout_redirect_uris } : {}),
    token_endpoint_auth_method: input.token_endpoint_auth_method,
    ...(input.id_token_signed_response_alg ? { id_token_signed_response_alg: input.id_token_signed_response_alg } : {}),
    grant_types: input.grant_types,
    response_types: signsUsersIn ? ['code'] : [],
    ...(input.logo_uri ? { logo_uri: input.logo_uri } : {}),
  };
}

/** A refusal of the registry about a field: the form field of the same name. */
const FIELD_BY_CODE: Readonly<Record<string, string>> = { client_exists: 'client_id', client_secret_must_rotate: 'rotate_secret' };

export function partnersSection(deps: ConsoleDeps): ConsoleSection {
  const { clients } = deps;
  const router = new Router<OperatorState>({ prefix: PREFIX });
  const form = deps.bodies.posted;
  const noticeOf = (ctx: Context): string => {
    const key = typeof ctx.query.notice === 'string' ? NOTICES[ctx.query.notice] : undefined;
    return key ? translator(langOf(ctx))(key) : '';
  };
  const idOf = (ctx: Context): string => {
    const id = String((ctx.params as Record<string, string>).id ?? '');
    if (!CLIENT_ID_PATTERN.test(id)) throw new ClientNotFoundError();
    return id;
  };
  const nameOf = (client: ClientView): string => text(client.metadata.client_name) || client.clientId;

  async function formPage(ctx: Context, mode: 'new' | 'edit', values: FormValues, error?: AppError): Promise<void> {
    await renderConsole(ctx, 'console/partner-form', {
      mode,
      values,
      authMethods: AUTH_METHODS,
      // A partner registered with another algorithm (through the API) keeps it when edited here.
      idTokenAlgs: [...new Set([...ID_TOKEN_ALGS, values.id_token_signed_response_alg].filter(Boolean))],
      grantTypes: GRANT_TYPES,
      notice: '',
      ...formRefusal(ctx, error, FIELD_BY_CODE),
    }, error ? error.status : 200);
  }

  async function secretPage(ctx: Context, result: WithSecret, notice: MessageKey): Promise<void> {
    if (!result.clientSecret) {
      seeOther(ctx, `${PREFIX}/${encodeURIComponent(result.client.clientId)}?notice=${notice === 'console.partners.notice_created' ? 'created' : 'saved'}`);
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    await renderConsole(ctx, 'console/partner-secret', { client: result.client, name: nameOf(result.client), secret: result.clientSecret, notice: translator(langOf(ctx))(notice) });
  }

  async function confirmPage(ctx: Context, client: ClientView, action: 'disable' | 'delete' | 'rotate-secret', error?: AppError): Promise<void> {
    const message: MessageKey = action === 'disable' ? 'console.partners.confirm_disable' : action === 'delete' ? 'console.partners.confirm_delete' : 'console.partners.confirm_rotate';
    const button: MessageKey = action === 'disable' ? 'console.partners.disable' : action === 'delete' ? 'console.partners.delete' : 'console.partners.rotate';
    await renderConsole(ctx, 'console/partner-confirm', { client, name: nameOf(client), action, message, button, notice: '', ...formRefusal(ctx, error) }, error ? error.status : 200);
  }

  router.get('/', async (ctx) => {
    await renderConsole(ctx, 'console/partners', { clients: await clients.list(), notice: noticeOf(ctx) });
  });

  router.get('/new', async (ctx) => {
    await formPage(ctx, 'new', { client_id: '', client_name: '', redirect_uris: '', post_logout_redirect_uris: '', token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: 'RS256', grant_types: ['authorization_code', 'refresh_token'], logo_uri: '', disabled: false, revision: 0 });
  });

  router.post('/new', ...form, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    await showingRefusals(async () => {
      const input = parseForm(createForm, body);
      const result = await clients.create({ metadata: { client_id: input.client_id, ...metadataOf(input, {}) }, disabled: input.disabled !== undefined }, operatorAudit(ctx));
      await secretPage(ctx, result, 'console.partners.notice_created');
    }, (error) => formPage(ctx, 'new', postedValues(body), error));
  });

  router.get('/:id', async (ctx) => {
    const client = await clients.get(idOf(ctx));
    await renderConsole(ctx, 'console/partner', { client, name: nameOf(client), time: consoleTime(ctx, deps.displayTimeZone), notice: noticeOf(ctx) });
  });

  router.get('/:id/edit', async (ctx) => {
    const client = await clients.get(idOf(ctx));
    await formPage(ctx, 'edit', valuesOf(client));
  });

  router.post('/:id/edit', ...form, async (ctx) => {
    const id = idOf(ctx);
    const body = ctx.request.body as Record<string, unknown>;
    const current = await clients.get(id);
    await showingRefusals(async () => {
      const input = parseForm(editForm, body);
      const result = await clients.update(id, { revision: input.revision, metadata: metadataOf(input, current.metadata), rotateSecret: input.rotate_secret !== undefined }, operatorAudit(ctx));
      await secretPage(ctx, result, 'console.partners.notice_saved');
    }, (error) => formPage(ctx, 'edit', { ...postedValues(body, Number(body.revision) || 0), client_id: id }, error));
  });

  for (const action of ['disable', 'delete', 'rotate-secret'] as const) {
    router.get(`/:id/${action}`, async (ctx) => confirmPage(ctx, await clients.get(idOf(ctx)), action));
  }

  router.post('/:id/disable', ...form, async (ctx) => {
    const id = idOf(ctx);
    await clients.setDisabled(id, true, operatorAudit(ctx));
    seeOther(ctx, `${PREFIX}/${encodeURIComponent(id)}?notice=disabled`);
  });

  router.post('/:id/enable', ...form, async (ctx) => {
    const id = idOf(ctx);
    await clients.setDisabled(id, false, operatorAudit(ctx));
    seeOther(ctx, `${PREFIX}/${encodeURIComponent(id)}?notice=enabled`);
  });

  router.post('/:id/delete', ...form, async (ctx) => {
    const id = idOf(ctx);
    const client = await clients.get(id);
    await showingRefusals(async () => {
      await clients.delete(id, operatorAudit(ctx));
      seeOther(ctx, `${PREFIX}?notice=deleted`);
    }, (error) => confirmPage(ctx, client, 'delete', error));
  });

  router.post('/:id/rotate-secret', ...form, async (ctx) => {
    const id = idOf(ctx);
    const client = await clients.get(id);
    await showingRefusals(async () => {
      await secretPage(ctx, await clients.rotateSecret(id, operatorAudit(ctx)), 'console.partners.notice_saved');
    }, (error) => confirmPage(ctx, client, 'rotate-secret', error));
  });

  return { id: 'partners', label: 'console.nav.partners', scope: 'clients', router };
}
