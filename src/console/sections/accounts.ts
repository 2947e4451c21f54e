// The console's user accounts (/console/accounts), scope `accounts`: look an account up by its
// e-mail address or id, see what its owner sees in the account menu (every view audited, by
// account-admin/account-lookup.ts), and act on it: sign out everywhere, disable or enable, start a
// recovery. The same services as the API and the CLI (account-admin/); a step that ends things is
// confirmed on a page of its own at the same address (GET asks, POST does it), and its answer says
// what it ended.
import Router from '@koa/router';
import type { Context } from 'koa';
import { actingOperator, operatorAudit, type OperatorState } from '../../admin/acting-operator.ts';
import { disableForm, recoveryForm } from '../../admin/account-inputs.ts';
import type { AccountActionResult } from '../../account-admin/account-actions.ts';
import { AccountLookupInvalidError } from '../../account-admin/errors.ts';
import type { AppError } from '../../errors/app-error.ts';
import { showingRefusals } from '../../http/form-refusal.ts';
import { parseForm } from '../../http/forms.ts';
import { seeOther } from '../../http/see-other.ts';
import { langOf } from '../../http/state.ts';
import { formatContactValue } from '../../i18n/format-phone.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import { translator } from '../../i18n/messages.ts';
import { VIEW_KEYS } from '../../i18n/view-keys.ts';
import { providerName } from '../../passkeys/provider-names.ts';
import type { ConsoleDeps } from '../deps.ts';
import { consoleTime, formRefusal, renderConsole, type ConsoleSection } from '../section.ts';

export const ACCOUNTS_CONSOLE = '/console/accounts';
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The steps on an account with a page of their own: what the page asks for and says. */
const STEPS = {
  'sign-out': { title: 'console.accounts.sign_out_title', lead: 'console.accounts.sign_out_lead', button: 'console.accounts.sign_out', stepField: null },
  disable: { title: 'console.accounts.disable_title', lead: 'console.accounts.disable_lead', button: 'console.accounts.disable', stepField: 'reason' },
  recovery: { title: 'console.accounts.recovery_title', lead: 'console.accounts.recovery_lead', button: 'console.accounts.recovery', stepField: 'note' },
} as const satisfies Record<string, { title: MessageKey; lead: MessageKey; button: MessageKey; stepField: string | null }>;
type Step = keyof typeof STEPS;

export function accountsSection(deps: ConsoleDeps): ConsoleSection {
  const { accountLookup: lookup, accountActions: actions } = deps;
  const router = new Router<OperatorState>({ prefix: ACCOUNTS_CONSOLE });
  const form = deps.bodies.posted;
  const idOf = (ctx: Context): string => {
    const id = String((ctx.params as Record<string, string>).id ?? '');
    if (!ACCOUNT_ID.test(id)) throw new AccountLookupInvalidError();
    return id;
  };
  const pageOf = (id: string): string => `${ACCOUNTS_CONSOLE}/${encodeURIComponent(id)}`;

  async function lookupPage(ctx: Context, query: string, error?: AppError): Promise<void> {
    await renderConsole(ctx, 'console/accounts', { query, notice: '', ...formRefusal(ctx, error, { account_lookup_invalid: 'q', account_lookup_none: 'q' }) }, error ? error.status : 200);
  }

  router.get('/', async (ctx) => {
    const query = typeof ctx.query.q === 'string' ? ctx.query.q.trim() : '';
    if (!query) {
      await lookupPage(ctx, '');
      return;
    }
    // Only which account it is: the view (audited) is the next page.
    await showingRefusals(async () => seeOther(ctx, pageOf((await lookup.find(query)).id)), (error) => lookupPage(ctx, query, error));
  });

  router.get('/:id', async (ctx) => {
    const t = translator(langOf(ctx));
    const view = await lookup.view(idOf(ctx), operatorAudit(ctx), langOf(ctx));
    const time = consoleTime(ctx, deps.displayTimeZone);
    const notice = typeof ctx.query.notice === 'string' && ['enabled'].includes(ctx.query.notice) ? t('console.accounts.notice_enabled') : '';
    await renderConsole(ctx, 'console/account', {
      view,
      time,
      notice,
      self: view.account.id === actingOperator(ctx).accountId,
      provider: (aaguid: string) => providerName(aaguid) ?? '',
      contact: (kind: 'email' | 'mobile', value: string) => formatContactValue(kind, value),
      signIns: view.signIns.map((s) => {
        const method = VIEW_KEYS.signInMethod(s.method);
        const reason = VIEW_KEYS.signInFailure(s.reason);
        return { ...s, method: method ? t(method) : s.method, reason: reason ? t(reason) : s.reason ?? '' };
      }),
    });
  });

  async function stepPage(ctx: Context, id: string, step: Step, input = '', error?: AppError): Promise<void> {
    const account = await lookup.find(id);
    await renderConsole(ctx, 'console/account-step', {
      account, step, ...STEPS[step], input, notice: '', ...formRefusal(ctx, error, { account_disable_self: 'reason', control_characters: STEPS[step].stepField ?? '' }),
    }, error ? error.status : 200);
  }

  async function donePage(ctx: Context, lead: MessageKey, result: AccountActionResult | { account: AccountActionResult['account']; requestId: string }): Promise<void> {
    await renderConsole(ctx, 'console/account-done', { lead, result, notice: '' });
  }

  for (const step of Object.keys(STEPS) as Step[]) {
    router.get(`/:id/${step}`, async (ctx) => stepPage(ctx, idOf(ctx), step));
  }

  router.post('/:id/sign-out', ...form, async (ctx) => {
    const id = idOf(ctx);
    await showingRefusals(async () => {
      await donePage(ctx, 'console.accounts.signed_out', await actions.signOutEverywhere(id, operatorAudit(ctx)));
    }, (error) => stepPage(ctx, id, 'sign-out', '', error));
  });

  router.post('/:id/disable', ...form, async (ctx) => {
    const id = idOf(ctx);
    const body = ctx.request.body as Record<string, unknown>;
    const typed = typeof body.reason === 'string' ? body.reason : '';
    await showingRefusals(async () => {
      const { reason } = parseForm(disableForm, body);
      await donePage(ctx, 'console.accounts.disabled_done', await actions.disable(id, reason, operatorAudit(ctx), actingOperator(ctx).accountId));
    }, (error) => stepPage(ctx, id, 'disable', typed, error));
  });

  router.post('/:id/enable', ...form, async (ctx) => {
    const id = idOf(ctx);
    await actions.enable(id, operatorAudit(ctx));
    seeOther(ctx, `${pageOf(id)}?notice=enabled`);
  });

  router.post('/:id/recovery', ...form, async (ctx) => {
    const id = idOf(ctx);
    const body = ctx.request.body as Record<string, unknown>;
    const typed = typeof body.note === 'string' ? body.note : '';
    await showingRefusals(async () => {
      const { note } = parseForm(recoveryForm, body);
      const started = await actions.startRecovery(id, note, operatorAudit(ctx));
      await donePage(ctx, 'console.accounts.recovery_started', { account: started.account, requestId: started.request.id });
    }, (error) => stepPage(ctx, id, 'recovery', typed, error));
  });

  return { id: 'accounts', label: 'console.nav.accounts', scope: 'accounts', router };
}
