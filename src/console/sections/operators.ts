// The console's operators page (/console/operators), admins only (scope `operators`): who holds
// which role, granting a role to an account by its e-mail, and taking it away (which also revokes
// the account's personal tokens). The same rules as `npm run admin -- operators ...`.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { operatorAudit, type OperatorState } from '../../admin/acting-operator.ts';
import type { AppError } from '../../errors/app-error.ts';
import { email } from '../../http/fields.ts';
import { showingRefusals } from '../../http/form-refusal.ts';
import { parseForm } from '../../http/forms.ts';
import { seeOther } from '../../http/see-other.ts';
import { langOf } from '../../http/state.ts';
import { translator } from '../../i18n/messages.ts';
import { ROLES } from '../../operators/roles.ts';
import type { ConsoleDeps } from '../deps.ts';
import { consoleTime, formRefusal, renderConsole, type ConsoleSection } from '../section.ts';

const PREFIX = '/console/operators';
const grantForm = z.object({ email, role: z.enum(ROLES as ['operator', 'admin']) });
const revokeForm = z.object({ email });
const NOTICES = { granted: 'console.operators.notice_granted', revoked: 'console.operators.notice_revoked' } as const;

export function operatorsSection(deps: ConsoleDeps): ConsoleSection {
  const { operators } = deps;
  const router = new Router<OperatorState>({ prefix: PREFIX });
  const form = deps.bodies.posted;

  async function page(ctx: Context, error?: AppError, input: { email: string; role: string } = { email: '', role: 'operator' }): Promise<void> {
    const notice = ctx.query.notice === 'granted' || ctx.query.notice === 'revoked' ? translator(langOf(ctx))(NOTICES[ctx.query.notice], { email: typeof ctx.query.email === 'string' ? ctx.query.email : '' }) : '';
    await renderConsole(ctx, 'console/operators', {
      operators: await operators.list(),
      roles: ROLES,
      input,
      time: consoleTime(ctx, deps.displayTimeZone),
      notice,
      ...formRefusal(ctx, error, { operator_account_not_found: 'email' }),
    }, error ? error.status : 200);
  }

  router.get('/', (ctx) => page(ctx));

  router.post('/', ...form, async (ctx) => {
    const body = ctx.request.body as Record<string, unknown>;
    const input = { email: typeof body.email === 'string' ? body.email : '', role: typeof body.role === 'string' ? body.role : 'operator' };
    await showingRefusals(async () => {
      const parsed = parseForm(grantForm, body);
      const granted = await operators.grant(parsed.email, parsed.role, operatorAudit(ctx));
      seeOther(ctx, `${PREFIX}?notice=granted&email=${encodeURIComponent(granted.email)}`);
    }, (error) => page(ctx, error, input));
  });

  router.post('/revoke', ...form, async (ctx) => {
    await showingRefusals(async () => {
      const parsed = parseForm(revokeForm, ctx.request.body);
      const revoked = await operators.revoke(parsed.email, operatorAudit(ctx));
      seeOther(ctx, `${PREFIX}?notice=revoked&email=${encodeURIComponent(revoked.email)}`);
    }, (error) => page(ctx, error));
  });

  return { id: 'operators', label: 'console.nav.operators', scope: 'operators', router };
}
