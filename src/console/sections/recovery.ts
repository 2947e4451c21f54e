// The console's recovery queue (/console/recovery), scope `recovery`: what `npm run admin --
// recovery list|show|approve|reject|complete` does, through the same RecoveryService, with the
// operator taken from the console's session instead of a typed name. Showing a request is audited
// (`recovery.viewed`, by the service); each decision is audited with the operator's account.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { actingOperator, operatorAudit, operatorName, type OperatorState } from '../../admin/acting-operator.ts';
import type { AppError } from '../../errors/app-error.ts';
import { RecoveryRequestNotFoundError } from '../../flows/recovery/errors.ts';
import { hasControlCharacters } from '../../flows/recovery/service.ts';
import { showingRefusals } from '../../http/form-refusal.ts';
import { parseForm } from '../../http/forms.ts';
import { seeOther } from '../../http/see-other.ts';
import { langOf } from '../../http/state.ts';
import { translator, type MessageKey } from '../../i18n/messages.ts';
import type { ContactMatch } from '../../flows/recovery/service.ts';
import type { RecoveryStatus } from '../../store/types.ts';
import type { ConsoleDeps } from '../deps.ts';
import { consoleTime, formRefusal, renderConsole, type ConsoleSection } from '../section.ts';

const PREFIX = '/console/recovery';
const STATUSES: readonly RecoveryStatus[] = ['pending', 'approved', 'rejected', 'completed'];
const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Requests one list shows. */
const SHOWN = 200;
const STATUS_KEYS: Readonly<Record<RecoveryStatus, MessageKey>> = {
  pending: 'console.recovery.status_pending',
  approved: 'console.recovery.status_approved',
  rejected: 'console.recovery.status_rejected',
  completed: 'console.recovery.status_completed',
};
const MATCH_KEYS: Readonly<Record<ContactMatch, MessageKey>> = {
  match: 'console.recovery.match_match',
  mismatch: 'console.recovery.match_mismatch',
  not_given: 'console.recovery.match_not_given',
  no_verified_contact: 'console.recovery.match_no_verified_contact',
};
const text = (min: number) => z.string().trim().min(min).max(1000).refine((value) => !hasControlCharacters(value));
const approveForm = z.object({ note: text(0).default('') });
const rejectForm = z.object({ reason: text(1) });

export function recoverySection(deps: ConsoleDeps): ConsoleSection {
  const { recovery } = deps;
  const router = new Router<OperatorState>({ prefix: PREFIX });
  const form = deps.bodies.posted;
  const idOf = (ctx: Context): string => {
    const id = String((ctx.params as Record<string, string>).id ?? '');
    if (!REQUEST_ID.test(id)) throw new RecoveryRequestNotFoundError();
    return id;
  };
  const decision = (ctx: Context, note: string) => ({ operator: operatorName(actingOperator(ctx)), note });

  router.get('/', async (ctx) => {
    const asked = typeof ctx.query.status === 'string' ? ctx.query.status : 'pending';
    const status = (STATUSES as readonly string[]).includes(asked) ? asked as RecoveryStatus : undefined;
    await renderConsole(ctx, 'console/recovery', {
      requests: await recovery.list({ ...(status ? { status } : {}), limit: SHOWN }),
      status: status ?? 'all',
      statuses: STATUSES,
      statusLabel: (s: RecoveryStatus) => translator(langOf(ctx))(STATUS_KEYS[s]),
      time: consoleTime(ctx, deps.displayTimeZone),
      notice: '',
    });
  });

  async function requestPage(ctx: Context, id: string, error?: AppError, typed: Record<string, string> = {}): Promise<void> {
    const t = translator(langOf(ctx));
    const detail = await recovery.show(id, operatorAudit(ctx));
    const sentTo = typeof ctx.query.to === 'string' ? ctx.query.to : '';
    const notices: Record<string, string> = {
      approved: t('console.recovery.notice_approved', { to: sentTo }),
      approved_failed: t('console.recovery.notice_approved_failed', { to: sentTo }),
      rejected: t('console.recovery.notice_rejected'),
      completed: t('console.recovery.notice_completed'),
    };
    const notice = typeof ctx.query.notice === 'string' ? notices[ctx.query.notice] ?? '' : '';
    await renderConsole(ctx, 'console/recovery-request', {
      detail, typed, notice, time: consoleTime(ctx, deps.displayTimeZone),
      statusLabel: (s: RecoveryStatus) => t(STATUS_KEYS[s]),
      matchLabel: (m: ContactMatch) => t(MATCH_KEYS[m]),
      ...formRefusal(ctx, error),
    }, error ? error.status : 200);
  }

  router.get('/:id', async (ctx) => requestPage(ctx, idOf(ctx)));

  router.post('/:id/approve', ...form, async (ctx) => {
    const id = idOf(ctx);
    const body = ctx.request.body as Record<string, unknown>;
    await showingRefusals(async () => {
      const { note } = parseForm(approveForm, body);
      const { delivery } = await recovery.approve(id, decision(ctx, note), operatorAudit(ctx));
      const ways = [delivery.email, delivery.sms].filter((d) => d !== null);
      const failed = ways.some((d) => !d.sent);
      seeOther(ctx, `${PREFIX}/${encodeURIComponent(id)}?notice=${failed ? 'approved_failed' : 'approved'}&to=${encodeURIComponent(ways.map((d) => d.to).join(', '))}`);
    }, (error) => requestPage(ctx, id, error, { note: typeof body.note === 'string' ? body.note : '' }));
  });

  router.post('/:id/reject', ...form, async (ctx) => {
    const id = idOf(ctx);
    const body = ctx.request.body as Record<string, unknown>;
    await showingRefusals(async () => {
      const { reason } = parseForm(rejectForm, body);
      await recovery.reject(id, decision(ctx, reason), operatorAudit(ctx));
      seeOther(ctx, `${PREFIX}/${encodeURIComponent(id)}?notice=rejected`);
    }, (error) => requestPage(ctx, id, error, { reason: typeof body.reason === 'string' ? body.reason : '' }));
  });

  router.post('/:id/complete', ...form, async (ctx) => {
    const id = idOf(ctx);
    await showingRefusals(async () => {
      await recovery.complete(id, operatorAudit(ctx));
      seeOther(ctx, `${PREFIX}/${encodeURIComponent(id)}?notice=completed`);
    }, (error) => requestPage(ctx, id, error));
  });

  return { id: 'recovery', label: 'console.nav.recovery', scope: 'recovery', router };
}
