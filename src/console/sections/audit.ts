// The console's audit log (/console/audit), scope `audit`: the search of account-admin/audit-search.ts
// (by account, types and time, newest first, a bounded page at a time) as a form and a table, with a
// link to the next page. Times are typed in UTC (a datetime-local field without a zone is read as
// UTC, and the labels say so). Each search is audited, like the API's.
import Router from '@koa/router';
import type { Context } from 'koa';
import { acting } from '../../admin/account-routes.ts';
import { auditSearchInput } from '../../admin/account-inputs.ts';
import type { AuditPage } from '../../account-admin/audit-search.ts';
import type { AppError } from '../../errors/app-error.ts';
import { showingRefusals } from '../../http/form-refusal.ts';
import type { OperatorState } from '../../admin/acting-operator.ts';
import type { ConsoleDeps } from '../deps.ts';
import { consoleTime, formRefusal, renderConsole, type ConsoleSection } from '../section.ts';

const FIELDS = ['account', 'type', 'from', 'to'] as const;
/** What a datetime-local field sends: no zone, so UTC is added. */
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** The shown details of an event: its JSON on one line, cut short. */
function detailsText(details: Record<string, unknown>): string {
  const text = JSON.stringify(details);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function auditSection(deps: ConsoleDeps): ConsoleSection {
  const router = new Router<OperatorState>({ prefix: '/console/audit' });

  router.get('/', async (ctx: Context) => {
    const typed: Record<string, string> = Object.fromEntries(FIELDS.map((field) => [field, typeof ctx.query[field] === 'string' ? String(ctx.query[field]).trim() : '']));
    const next = typeof ctx.query.next === 'string' ? ctx.query.next : '';
    const searched = FIELDS.some((field) => typed[field]) || ctx.query.search !== undefined || next !== '';
    const render = async (page: AuditPage | null, error?: AppError): Promise<void> => {
      const more = page?.next ? `/console/audit?${new URLSearchParams({ ...Object.fromEntries(Object.entries(typed).filter(([, v]) => v)), next: page.next })}` : '';
      await renderConsole(ctx, 'console/audit', {
        typed, page, more, next, time: consoleTime(ctx, deps.displayTimeZone), details: detailsText, notice: '',
        ...formRefusal(ctx, error, { account_lookup_invalid: 'account', account_lookup_none: 'account' }),
      }, error ? error.status : 200);
    };
    if (!searched) {
      await render(null);
      return;
    }
    await showingRefusals(async () => {
      const query: Record<string, string> = { ...typed, ...(next ? { next } : {}) };
      for (const field of ['from', 'to'] as const) if (LOCAL_TIME.test(query[field] ?? '')) query[field] = `${query[field]}Z`;
      const input = auditSearchInput(query);
      const who = acting(ctx);
      await render(await deps.auditSearch.search(input, who.audit, who.accountId));
    }, (error) => render(null, error));
  });

  return { id: 'audit', label: 'console.nav.audit', scope: 'audit', router };
}
