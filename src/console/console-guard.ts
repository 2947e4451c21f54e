// Who is using the operator console: an operator signed in to tobira with a passkey (acr phr)
// within CONSOLE_MAX_AGE_SECONDS (admin/console-session.ts). Signing in goes through the provider
// as tobira's own client `tobira-console` (response_type none, like the account menu's
// tobira-account), asking for a passkey (`acr_values=phr`) and a new sign-in (`prompt=login`), so
// every rule of the sign-in pages applies. A signed-in account without a role gets a refusal page.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { consoleAccess, type ConsoleSessionDeps } from '../admin/console-session.ts';
import { setActingOperator } from '../admin/acting-operator.ts';
import { ACR } from '../assurance/assurance.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditContextOf } from '../http/audit-context.ts';
import { CONSOLE_CLIENT_ID } from '../clients/first-party.ts';
import { InvalidInputError } from '../errors/http-errors.ts';
import { browserBinding } from '../http/browser-cookies.ts';
import { FlowCookie } from '../http/flow-cookie.ts';
import { REAUTH_REASON_PARAM } from '../http/reauth-reason.ts';
import { render } from '../http/render.ts';
import { seeOther } from '../http/see-other.ts';
import type { RequestState } from '../http/state.ts';

export const CONSOLE_HOME = '/console';
const LOGIN_COOKIE_TTL_MS = 10 * 60_000;
/** A page of the console to come back to after signing in: never another site. */
const CONSOLE_PATH = /^\/console(?:\/[A-Za-z0-9_-]+)*$/;

const pendingLogin = z.object({ state: z.string().min(1).max(64), next: z.string().max(256) });
type PendingLogin = z.infer<typeof pendingLogin>;

export interface ConsoleGuardDeps extends ConsoleSessionDeps {
  issuer: string;
  audit: AuditLog;
}

export class ConsoleGuard {
  readonly #d: ConsoleGuardDeps;
  readonly #pending: FlowCookie<PendingLogin>;

  constructor(deps: ConsoleGuardDeps) {
    this.#d = deps;
    this.#pending = new FlowCookie({ name: 'tobira.console.login', schema: pendingLogin, lifetimeMs: LOGIN_COOKIE_TTL_MS, now: deps.now });
  }

  /**
   * Lets an operator through with ctx.state.operator set; sends anyone else to sign in with a
   * passkey (and back to this page), or shows a signed-in non-operator the refusal page.
   */
  requireOperator(): Middleware<RequestState> {
    return async (ctx, next) => {
      const access = await consoleAccess(ctx, this.#d);
      if (access.ok) {
        setActingOperator(ctx, access.operator);
        ctx.set('Cache-Control', 'no-store');
        await next();
        return;
      }
      if (access.reason === 'not_operator') {
        ctx.set('Cache-Control', 'no-store');
        await this.#refuse(ctx, access.session?.account.id ?? null, access.session?.account.email ?? '');
        return;
      }
      // A form posted after the sign-in went stale is not replayed: back to the page it came from.
      this.#toLogin(ctx, ctx.method === 'GET' ? ctx.path : CONSOLE_HOME, access.session?.account.email);
    };
  }

  async #refuse(ctx: Context, accountId: string | null, email: string): Promise<void> {
    await this.#d.audit.record('console.refused', accountId, auditContextOf(ctx), { path: ctx.path });
    await render(ctx, 'console/refused', { email }, 403);
  }

  /** /console/login (sign in again, as anyone) and the provider's callback /console/callback. */
  routes(): Router<RequestState> {
    const router = new Router<RequestState>({ prefix: CONSOLE_HOME });
    router.get('/login', (ctx) => {
      const next = typeof ctx.query.next === 'string' ? ctx.query.next : CONSOLE_HOME;
      this.#toLogin(ctx, next, undefined);
    });
    router.get('/callback', (ctx) => {
      const pending = this.#pending.read(ctx, browserBinding(ctx));
      this.#pending.clear(ctx);
      if (!pending || ctx.query.state !== pending.state) throw new InvalidInputError('state');
      // Cancelled at the sign-in page: the console's front page says what is needed.
      seeOther(ctx, typeof ctx.query.error === 'string' ? '/' : pending.next);
    });
    return router;
  }

  #toLogin(ctx: Context, next: string, email: string | undefined): void {
    const state = randomBytes(16).toString('base64url');
    this.#pending.write(ctx, browserBinding(ctx), { state, next: CONSOLE_PATH.test(next) ? next : CONSOLE_HOME });
    const url = new URL(`${this.#d.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: CONSOLE_CLIENT_ID,
      response_type: 'none',
      redirect_uri: `${this.#d.issuer}${CONSOLE_HOME}/callback`,
      scope: 'openid',
      state,
      // Always a new sign-in, with a passkey: whatever session the browser has is not enough.
      prompt: 'login',
      acr_values: ACR.PHISHING_RESISTANT,
      ...(email ? { login_hint: email } : {}),
      [REAUTH_REASON_PARAM]: 'console',
    }).toString();
    seeOther(ctx, url.href);
  }
}
