// The operator API's user accounts and audit log:
//   GET  /admin/api/accounts/:account              the account (e-mail address or id), audited
//   POST /admin/api/accounts/:account/sign-out     end every session, token and trusted browser
//   POST /admin/api/accounts/:account/disable      { reason }: no more sign-ins; everything ends
//   POST /admin/api/accounts/:account/enable
//   POST /admin/api/accounts/:account/recovery     { note }: a pending recovery request
//   GET  /admin/api/audit?account=&type=&from=&to=&next=&limit=
// JSON in and out; the rules are account-admin/'s. Who acts is who authenticated (acting-operator.ts).
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AccountActions } from '../account-admin/account-actions.ts';
import type { AccountLookup } from '../account-admin/account-lookup.ts';
import type { AuditSearch } from '../account-admin/audit-search.ts';
import { parseForm } from '../http/forms.ts';
import { langOf } from '../http/state.ts';
import { actingOperator, operatorAudit } from './acting-operator.ts';
import { auditSearchInput, disableForm, recoveryForm } from './account-inputs.ts';

export const ACCOUNTS_API_PREFIX = '/admin/api/accounts';
export const AUDIT_API_PREFIX = '/admin/api/audit';

export interface AccountApiDeps {
  lookup: AccountLookup;
  actions: AccountActions;
}

/** Who acts on this request: the audit context naming the operator, and the operator's own account (null: the bootstrap token). */
export function acting(ctx: Context): { audit: ReturnType<typeof operatorAudit>; accountId: string | null } {
  return { audit: operatorAudit(ctx), accountId: actingOperator(ctx).accountId };
}

function accountOf(ctx: Context): string {
  return String((ctx.params as Record<string, string>).account ?? '');
}

export function accountApiRoutes(deps: AccountApiDeps): Router {
  const { lookup, actions } = deps;
  const router = new Router({ prefix: ACCOUNTS_API_PREFIX });

  router.get('/:account', async (ctx) => {
    ctx.body = await lookup.view(accountOf(ctx), acting(ctx).audit, langOf(ctx));
  });

  router.post('/:account/sign-out', async (ctx) => {
    ctx.body = await actions.signOutEverywhere(accountOf(ctx), acting(ctx).audit);
  });

  router.post('/:account/disable', async (ctx) => {
    const account = accountOf(ctx);
    const { reason } = parseForm(disableForm, ctx.request.body);
    const who = acting(ctx);
    ctx.body = await actions.disable(account, reason, who.audit, who.accountId);
  });

  router.post('/:account/enable', async (ctx) => {
    ctx.body = await actions.enable(accountOf(ctx), acting(ctx).audit);
  });

  router.post('/:account/recovery', async (ctx) => {
    const account = accountOf(ctx);
    const { note } = parseForm(recoveryForm, ctx.request.body);
    ctx.body = await actions.startRecovery(account, note, acting(ctx).audit);
  });
  return router;
}

export function auditApiRoutes(deps: { auditSearch: AuditSearch }): Router {
  const router = new Router({ prefix: AUDIT_API_PREFIX });
  router.get('/', async (ctx) => {
    const input = auditSearchInput(ctx.query);
    const who = acting(ctx);
    ctx.body = await deps.auditSearch.search(input, who.audit, who.accountId);
  });
  return router;
}
