// Who is using tobira's own pages (/account, /device and the pages under them): the signed-in
// account of oidc-provider's session, and the way back to sign in when there is none or it is too
// old. Signing in goes through the provider like any partner would (tobira-account, response_type
// none), so every sign-in method and every rule of the sign-in pages applies here too.
//
// A page that may send the user to sign in registers itself as a place to come back to
// (`allowReturnTo`); the callback follows only registered paths, so it is no open redirect.
import { withClock, type Clocked } from '../clock.ts';
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import { ACR, provesPossession } from '../assurance/assurance.ts';
import { ACCOUNT_CLIENT_ID } from '../clients/first-party.ts';
import { InvalidInputError, NotSignedInError, PasskeyReauthenticationRequiredError, ReauthenticationRequiredError } from '../errors/http-errors.ts';
import { z } from 'zod';
import { browserBinding } from './browser-cookies.ts';
import { FlowCookie } from './flow-cookie.ts';
import { seeOther } from './see-other.ts';
import { currentSession, isFresh, type AccountSession } from './session.ts';
import type { RequestState } from './state.ts';
import { REAUTH_REASON_PARAM, type ReauthReason } from './reauth-reason.ts';

const LOGIN_COOKIE_TTL_MS = 10 * 60_000;
const HOME = '/account';

/** What the sign-in remembers until the callback. */
const pendingLogin = z.object({
  state: z.string().min(1).max(64),
  next: z.string().max(256),
  /** Added to `next` after the sign-in (a notice). */
  query: z.record(z.string(), z.string()).optional(),
});
type PendingLogin = z.infer<typeof pendingLogin>;

interface LoginRequest {
  next?: string;
  /** The user must sign in again as themselves. */
  reauthAs?: string;
  /** With a passkey only (acr phr). */
  passkeyOnly?: boolean;
  /** Sign in again even when a session exists (whoever it belongs to). */
  fresh?: boolean;
  query?: Record<string, string>;
  /** Why, shown on the sign-in page (its own heading, no partner links). */
  reason?: ReauthReason;
}

export interface AccountGuardDeps {
  issuer: string;
  provider: Provider;
  accounts: AccountService;
  /**
   * How long the way back is remembered: as long as the sign-in page itself stays usable (the
   * interaction's lifetime), so a slow sign-in still comes back to where it was asked for.
   */
  loginLifetimeMs?: number;
  now?: () => number;
}

export class AccountGuard {
  readonly #d: Clocked<AccountGuardDeps>;
  readonly #returnPaths = new Set<string>([HOME]);
  /** The sign-in under way in this browser, until the provider calls back. */
  readonly #pending: FlowCookie<PendingLogin>;

  constructor(deps: AccountGuardDeps) {
    this.#d = withClock(deps);
    this.#pending = new FlowCookie({ name: 'tobira.account.login', schema: pendingLogin, lifetimeMs: deps.loginLifetimeMs ?? LOGIN_COOKIE_TTL_MS, now: this.#d.now });
  }

  /** Registers pages a sign-in may come back to. */
  allowReturnTo(...paths: string[]): void {
    for (const path of paths) this.#returnPaths.add(path);
  }

  /** The signed-in user, or undefined. */
  session(ctx: Context): Promise<AccountSession | undefined> {
    return currentSession(ctx, this.#d.provider, this.#d.accounts);
  }

  /** The signed-in user; NotSignedInError when there is none. */
  async signedIn(ctx: Context): Promise<AccountSession> {
    const session = await this.session(ctx);
    if (!session) throw new NotSignedInError();
    return session;
  }

  /** Whether the session signed in recently enough for a sensitive change. */
  isFresh(session: AccountSession): boolean {
    return isFresh(session, this.#d.now());
  }

  /**
   * Starts a sign-in through the provider; with `reauthAs`, the user must sign in again as
   * themselves, and the page says why (`reason`, else the generic "account settings" reason).
   */
  toLogin(ctx: Context, reauthAs?: string, next?: string, reason?: ReauthReason): void {
    this.#toLogin(ctx, { reauthAs, next, reason: reason ?? (reauthAs ? 'account' : undefined) });
  }

  /**
   * Sensitive changes need a sign-in within the last 5 minutes: false (and the user sent to sign in
   * again as themselves, or a JSON refusal) when the session is older; back at `next` afterwards,
   * with `query` (a confirmation page comes back to itself: the same item, confirmed again).
   */
  freshOrSentToSignIn(ctx: Context, session: AccountSession, next?: string, reason: ReauthReason = 'account', query?: Record<string, string>): boolean {
    if (this.isFresh(session)) return true;
    if (ctx.accepts('html', 'json') === 'json') throw new ReauthenticationRequiredError();
    this.#toLogin(ctx, { reauthAs: session.account.email, next, reason, ...(query ? { query } : {}) });
    return false;
  }

  /**
   * Like freshOrSentToSignIn, but the recent sign-in must have been with a passkey (acr phr); else
   * the user signs in again with a passkey only and comes back to `next`.
   */
  freshPasskeyOrSentToSignIn(ctx: Context, session: AccountSession, next: string, reason: ReauthReason = 'always_passkey_off'): boolean {
    if (this.isFresh(session) && session.acr === ACR.PHISHING_RESISTANT) return true;
    if (ctx.accepts('html', 'json') === 'json') throw new PasskeyReauthenticationRequiredError();
    this.#toLogin(ctx, { reauthAs: session.account.email, next, passkeyOnly: true, reason });
    return false;
  }

  /**
   * Adding a way in (a passkey, a phone) needs a recent sign-in at the account's strength (NIST SP
   * 800-63B-4 §4.1.2.1, bind at the account's AAL): an account that has a passkey must have signed
   * in within the window with something it possesses — a passkey, or a phone approval, which is an
   * assertion with the phone's passkey (a phone change with the old phone rests on it) — never
   * with its password alone; an account without a passkey, with what it has (its password). Sent
   * back to sign in, the user is asked for a passkey.
   */
  freshAtAccountStrengthOrSentToSignIn(ctx: Context, session: AccountSession, hasPasskey: boolean, next: string = HOME): boolean {
    if (!hasPasskey) return this.freshOrSentToSignIn(ctx, session, next, 'add_way_in');
    if (this.isFresh(session) && provesPossession(session.acr)) return true;
    if (ctx.accepts('html', 'json') === 'json') throw new PasskeyReauthenticationRequiredError();
    this.#toLogin(ctx, { reauthAs: session.account.email, next, passkeyOnly: true, reason: 'add_way_in' });
    return false;
  }

  /** A new sign-in with a passkey, whatever session this browser has, then back at `next`. */
  signInWithNewPasskey(ctx: Context, next?: string): void {
    this.#toLogin(ctx, { next, passkeyOnly: true, fresh: true, reason: 'new_passkey' });
  }

  /**
   * After every sign-in of the account ended (this browser's too): sign in again as `email`, then
   * back at /account with `query` (the notice saying what happened).
   */
  signInAgain(ctx: Context, email: string, query: Record<string, string>): void {
    this.#toLogin(ctx, { reauthAs: email, query, reason: 'signed_out' });
  }

  /** /account/login and the provider's callback to /account/callback. */
  routes(): Router<RequestState> {
    const router = new Router<RequestState>({ prefix: HOME });
    router.get('/login', (ctx) => {
      const next = typeof ctx.query.next === 'string' ? ctx.query.next : undefined;
      // After an enrolment link the new passkey must be the one that signs in: a session another
      // account left in this browser must not be reused for the phone setup that follows.
      if (ctx.query.with === 'new-passkey') this.signInWithNewPasskey(ctx, next);
      else this.toLogin(ctx, undefined, next);
    });
    router.get('/callback', (ctx) => {
      const pending = this.#pending.read(ctx, browserBinding(ctx));
      this.#pending.clear(ctx);
      if (!pending || ctx.query.state !== pending.state) throw new InvalidInputError('state');
      if (typeof ctx.query.error === 'string') {
        ctx.redirect('/');
        return;
      }
      const next = this.#returnTo(pending.next);
      ctx.redirect(pending.query ? `${next}?${new URLSearchParams(pending.query).toString()}` : next);
    });
    return router;
  }

  #returnTo(next: string | undefined): string {
    return next && this.#returnPaths.has(next) ? next : HOME;
  }

  #toLogin(ctx: Context, request: LoginRequest): void {
    const state = randomBytes(16).toString('base64url');
    this.#pending.write(ctx, browserBinding(ctx), { state, next: this.#returnTo(request.next), ...(request.query ? { query: request.query } : {}) });
    const url = new URL(`${this.#d.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: ACCOUNT_CLIENT_ID,
      response_type: 'none',
      redirect_uri: `${this.#d.issuer}/account/callback`,
      scope: 'openid',
      state,
      ...(request.reauthAs ? { prompt: 'login', login_hint: request.reauthAs } : request.fresh ? { prompt: 'login' } : {}),
      // Asking for phr offers only passkeys on the sign-in page (and its policy insists on one).
      ...(request.passkeyOnly ? { acr_values: ACR.PHISHING_RESISTANT } : {}),
      ...(request.reason ? { [REAUTH_REASON_PARAM]: request.reason } : {}),
    }).toString();
    seeOther(ctx, url.href);
  }
}
