// The contact pages of the account menu (/account/contacts/…): enter an address, receive a code,
// type it back. Adding, changing and removing need a sign-in within the last 5 minutes.
import { formatContactValue } from '../i18n/format-phone.ts';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AccountGuard } from '../http/account-guard.ts';
import { auditContextOf } from '../http/audit-context.ts';
import type { AppError } from '../errors/app-error.ts';
import { NotFoundError } from '../errors/http-errors.ts';
import { csrfToken } from '../http/csrf.ts';
import { oneTimeCode } from '../http/fields.ts';
import { seeOther } from '../http/see-other.ts';
import { render } from '../http/render.ts';
import { langOf, type RequestState } from '../http/state.ts';
import { refusalOnPage, showingRefusals } from '../http/form-refusal.ts';
import { parseForm, type BodyReaders } from '../http/forms.ts';
import type { ContactKind } from '../store/types.ts';
import type { ContactService } from './contact-service.ts';

export interface ContactRouteDeps {
  contacts: ContactService;
  guard: AccountGuard;
  bodies: BodyReaders;
}

/** The contact pages a re-authentication may return to. */
const PAGES = ['/account/contacts/email', '/account/contacts/mobile'];

const kindParam = z.enum(['email', 'mobile']);
const sendForm = z.object({ value: z.string().max(320) });
const codeForm = z.object({ code: oneTimeCode });

function kindOf(ctx: Context): ContactKind {
  const kind = kindParam.safeParse(ctx.params.kind);
  if (!kind.success) throw new NotFoundError();
  return kind.data;
}


/** A refusal is shown on the HTML form; JSON callers get it from the error edge. */
async function onForm(ctx: Context, action: () => Promise<void>, showAgain: (error: AppError) => Promise<void>): Promise<void> {
  await showingRefusals(action, showAgain, () => ctx.accepts('html', 'json') === 'html');
}

export function contactRoutes(deps: ContactRouteDeps): Router<RequestState> {
  const { contacts, guard } = deps;
  const router = new Router<RequestState>({ prefix: '/account/contacts' });
  const form = deps.bodies.posted;
  guard.allowReturnTo(...PAGES);

  async function showForm(ctx: Context, kind: ContactKind, value: string, error?: AppError): Promise<void> {
    const { account } = await guard.signedIn(ctx);
    const current = kind === 'email' ? account.contactEmail : account.contactMobile;
    await render(ctx, 'account-contact', {
      kind, current: current ? formatContactValue(kind, current.value) : '', value, csrf: csrfToken(ctx),
      ...refusalOnPage(ctx, error),
    }, error?.status ?? 200);
  }

  async function showCode(ctx: Context, kind: ContactKind, target: string, error?: AppError): Promise<void> {
    await render(ctx, 'account-contact-code', {
      kind, target: formatContactValue(kind, target), minutes: String(contacts.codeTtlMinutes), csrf: csrfToken(ctx),
      ...refusalOnPage(ctx, error),
    }, error?.status ?? 200);
  }

  router.get('/:kind', async (ctx) => {
    const kind = kindOf(ctx);
    const session = await guard.signedIn(ctx);
    if (!guard.freshOrSentToSignIn(ctx, session, `/account/contacts/${kind}`)) return;
    await showForm(ctx, kind, '');
  });

  router.post('/:kind/send', ...form, async (ctx) => {
    const kind = kindOf(ctx);
    const session = await guard.signedIn(ctx);
    if (!guard.freshOrSentToSignIn(ctx, session, `/account/contacts/${kind}`)) return;
    const { value } = parseForm(sendForm, ctx.request.body);
    await onForm(ctx, async () => {
      await contacts.sendCode(session.account, kind, value, langOf(ctx), auditContextOf(ctx));
      seeOther(ctx, `/account/contacts/${kind}/verify`);
    }, (error) => showForm(ctx, kind, value, error));
  });

  router.get('/:kind/verify', async (ctx) => {
    const kind = kindOf(ctx);
    const { account } = await guard.signedIn(ctx);
    const target = await contacts.pendingTarget(account.id, kind);
    if (!target) {
      ctx.redirect(`/account/contacts/${kind}`);
      return;
    }
    await showCode(ctx, kind, target);
  });

  router.post('/:kind/verify', ...form, async (ctx) => {
    const kind = kindOf(ctx);
    const { account } = await guard.signedIn(ctx);
    const target = await contacts.pendingTarget(account.id, kind);
    await onForm(ctx, async () => {
      const { code } = parseForm(codeForm, ctx.request.body);
      await contacts.verify(account, kind, code, langOf(ctx), auditContextOf(ctx));
      seeOther(ctx, '/account/contacts?notice=contact_verified');
    }, (error) => showCode(ctx, kind, target ?? '', error));
  });

  router.post('/:kind/remove', ...form, async (ctx) => {
    const kind = kindOf(ctx);
    const session = await guard.signedIn(ctx);
    if (!guard.freshOrSentToSignIn(ctx, session, '/account/contacts')) return;
    await contacts.remove(session.account, kind, langOf(ctx), auditContextOf(ctx));
    seeOther(ctx, '/account/contacts?notice=contact_removed');
  });

  return router;
}
