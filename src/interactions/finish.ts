// Ends an interaction and sends the browser back into the authorization flow. Every sign-in method
// (password, passkey, phone approval, and both sign-ups) ends with finishSignIn, the one place
// that decides what follows a sign-in; acr/amr are always derived by assurance/assurance.ts.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { SignInNotices } from '../accounts/sign-in-notices.ts';
import { assuranceOf, type LoginMethod, type PushMatching } from '../assurance/assurance.ts';
import { auditContextOf } from '../http/audit-context.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import { setRememberedAccount, setTrustedBrowserToken, trustedBrowserToken } from '../http/browser-cookies.ts';
import { seeOther } from '../http/see-other.ts';
import { langOf } from '../http/state.ts';
import type { Account } from '../store/types.ts';
import { AccountDisabledError } from '../accounts/errors.ts';
import type { InteractionDetails } from './load-interaction.ts';

async function finish(ctx: Context, provider: Provider, result: InteractionResults, mergeWithLastSubmission = false): Promise<void> {
  const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission });
  // Pages that call us with fetch() navigate themselves: a fetch must not follow this redirect
  // (the partner's redirect_uri is outside our CSP connect-src).
  if (ctx.accepts('html', 'json') === 'json') {
    ctx.body = { redirectTo };
    return;
  }
  seeOther(ctx, redirectTo);
}

function completeLogin(ctx: Context, provider: Provider, accountId: string, method: LoginMethod): Promise<void> {
  const { acr, amr } = assuranceOf(method);
  // `ts`: the moment of the sign-in (oidc-provider's clock, epoch seconds). Without it the sign-in
  // would be dated when the interaction resumes, and a consent given later (merged into this
  // result) would make an old sign-in look fresh: a wrong auth_time, max_age and the 5-minute
  // re-authentication rule defeated.
  return finish(ctx, provider, { login: { accountId, acr, amr, remember: true, ts: Math.floor(Date.now() / 1000) } });
}

/** How the user proved who they are, with what the audit log keeps of it. */
export type SignInMethod =
  | { kind: 'password'; signup?: boolean }
  | { kind: 'passkey'; credentialId: string; hardwareBound: boolean; userVerified: boolean; signup?: boolean }
  /** `matching`: how the user matched the number this browser showed on the phone ('none': no number). */
  | { kind: 'push'; approvalId: string; userVerified: boolean; matching: PushMatching };

export interface SignInFinishDeps {
  provider: Provider;
  audit: AuditLog;
  signInNotices: SignInNotices;
  trustedBrowsers: TrustedBrowserService;
  trustedBrowserDays: number;
}

/**
 * A passkey (signed in with, or made at sign-up) proves this browser is the user's, and so does a
 * phone approval whose number was read off this browser: later phone approvals from here skip the
 * number. A password proves nothing about the browser.
 */
function vouchesForBrowser(method: SignInMethod): boolean {
  return method.kind === 'passkey' || (method.kind === 'push' && method.matching !== 'none');
}

/**
 * What follows every successful sign-in, in this order:
 * 0. a disabled account goes no further: `login.failed` (reason account_disabled) and
 *    AccountDisabledError. Only here, after the method proved the account is the user's, so the
 *    refusal tells a stranger nothing (docs/security.md, "Disabled accounts");
 * 1. `login.succeeded` in the audit log (the account menu's sign-in history reads it back);
 * 2. the new-sign-in notice, asked before the browser becomes trusted (it looks at whether the
 *    browser was trusted before this sign-in); none for a sign-up: the account did not exist a
 *    moment ago, there is no one else to warn;
 * 3. trusting the browser, when the method vouches for it, and remembering the account in it;
 * 4. completing the interaction, dated now: that time is what accounts/sign-in-counts.ts compares
 *    with the account's sessionsValidFrom, so the session is only valid while no later revocation
 *    voids it.
 */
export async function finishSignIn(ctx: Context, deps: SignInFinishDeps, details: InteractionDetails, account: Account, method: SignInMethod): Promise<void> {
  const audit = auditContextOf(ctx);
  const client = details.params.client_id;
  const signup = method.kind !== 'push' && method.signup === true;
  const evidence = method.kind === 'passkey' ? { credentialId: method.credentialId } : method.kind === 'push' ? { approvalId: method.approvalId, matching: method.matching } : {};
  if (account.disabled !== null) {
    await deps.audit.record('login.failed', account.id, audit, { method: method.kind, ...evidence, client, reason: AccountDisabledError.code });
    throw new AccountDisabledError();
  }
  await deps.audit.record('login.succeeded', account.id, audit, { method: method.kind, ...evidence, client, ...(signup ? { signup: true } : {}) });
  const token = trustedBrowserToken(ctx);
  if (!signup) {
    await deps.signInNotices.afterSignIn(account, { method: method.kind, clientId: String(client), trustedBrowserToken: token, lang: langOf(ctx), audit });
  }
  if (vouchesForBrowser(method)) {
    setTrustedBrowserToken(ctx, await deps.trustedBrowsers.trust(account.id, token, ctx.get('user-agent'), audit), deps.trustedBrowserDays);
  } else if (method.kind === 'push' && method.matching === 'none' && token) {
    // No number: the browser was recognised as trusted when it asked, which moved its record's
    // expiry to TRUSTED_BROWSER_DAYS from now. Its cookie is renewed to match, or a browser used
    // only this way would lose its cookie while its record still counted it as trusted.
    setTrustedBrowserToken(ctx, token, deps.trustedBrowserDays);
  }
  // Any sign-in links this browser to the account: its next sign-in page may put the account's own
  // ways first (interactions/sign-in-plan.ts). Dated like the session, so a revocation voids it.
  setRememberedAccount(ctx, account.id, Math.floor(Date.now() / 1000), deps.trustedBrowserDays);
  await completeLogin(ctx, deps.provider, account.id, method);
}

export function completeConsent(ctx: Context, provider: Provider, grantId: string): Promise<void> {
  // Keeps the login of the interaction before it: with prompt=login (a re-authentication) that
  // login must still count once consent is given, or the user is asked to sign in again.
  return finish(ctx, provider, { consent: { grantId } }, true);
}

export function abortInteraction(ctx: Context, provider: Provider): Promise<void> {
  return finish(ctx, provider, { error: 'access_denied', error_description: 'End-User aborted interaction' });
}

/** Ends the interaction with access_denied and a reason the partner service can log or show. */
export function denyInteraction(ctx: Context, provider: Provider, description: string): Promise<void> {
  return finish(ctx, provider, { error: 'access_denied', error_description: description });
}
