// The console's personal tokens page (/console/tokens), for every operator: one's own tokens for
// the operator API (scripts, the CLI), created with a name, scopes within one's role and a
// lifetime; the token is shown once, on the page that answers the creation; listed and revoked here.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { actingOperator, operatorAudit, type OperatorState } from '../../admin/acting-operator.ts';
import type { AppError } from '../../errors/app-error.ts';
import { InternalError } from '../../errors/http-errors.ts';
import { showingRefusals } from '../../http/form-refusal.ts';
import { parseForm } from '../../http/forms.ts';
import { seeOther } from '../../http/see-other.ts';
import { langOf } from '../../http/state.ts';
import { translator } from '../../i18n/messages.ts';
import { scopesOf, SCOPES, type OperatorScope } from '../../operators/roles.ts';
import type { ConsoleDeps } from '../deps.ts';
import { consoleTime, formRefusal, renderConsole, type ConsoleSection } from '../section.ts';

const PREFIX = '/console/tokens';

/** Checkboxes post one value or several (or none). */
const scopesField = z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.enum(SCOPES)).max(SCOPES.length));
const createForm = (maxDays: number) => z.object({
  name: z.string().max(200),
  scopes: scopesField,
  days: z.coerce.number().int().min(1).max(maxDays),
});
const tokenId = z.string().regex(/^[A-Za-z0-9_-]{16}$/);

export function tokensSection(deps: ConsoleDeps): ConsoleSection {
  const { operators } = deps;
  const router = new Router<OperatorState>({ prefix: PREFIX });
  const form = deps.bodies.posted;

  async function page(ctx: Context, extra: { error?: AppError; created?: string; input?: Record<string, unknown> } = {}): Promise<void> {
    const operator = actingOperator(ctx);
    if (operator.accountId === null) throw new InternalError();
    const notice = ctx.query.notice === 'revoked' ? translator(langOf(ctx))('console.tokens.notice_revoked') : '';
    await renderConsole(ctx, 'console/tokens', {
      tokens: await operators.listTokens(operator.accountId),
      scopes: scopesOf(operator.role),
      maxDays: operators.tokenMaxDays,
      created: extra.created ?? '',
      input: extra.input ?? { name: '', scopes: [], days: Math.min(30, operators.tokenMaxDays) },
      time: consoleTime(ctx, deps.displayTimeZone),
      notice,
      ...formRefusal(ctx, extra.error, { operator_token_scope: 'scopes', operator_token_name: 'name', name_control_characters: 'name' }),
    }, extra.error ? extra.error.status : 200);
  }

  router.get('/', (ctx) => page(ctx));

  router.post('/', ...form, async (ctx) => {
    const operator = actingOperator(ctx);
    const body = ctx.request.body as Record<string, unknown>;
    const input = { name: typeof body.name === 'string' ? body.name : '', scopes: ([] as unknown[]).concat(body.scopes ?? []), days: body.days };
    await showingRefusals(async () => {
      const parsed = parseForm(createForm(operators.tokenMaxDays), body);
      const { token } = await operators.createToken(operator.accountId ?? '', { name: parsed.name, scopes: parsed.scopes as OperatorScope[], days: parsed.days }, operatorAudit(ctx));
      await page(ctx, { created: token });
    }, (error) => page(ctx, { error, input }));
  });

  router.post('/:id/revoke', ...form, async (ctx) => {
    const operator = actingOperator(ctx);
    const id = parseForm(tokenId, (ctx.params as Record<string, string>).id);
    await operators.revokeToken(operator.accountId ?? '', id, operatorAudit(ctx));
    seeOther(ctx, `${PREFIX}?notice=revoked`);
  });

  return { id: 'tokens', label: 'console.nav.tokens', router };
}
