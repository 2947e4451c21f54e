// Who is using the account menu: the same session partner services see, read from oidc-provider's
// session cookie, so signing in once covers both and signing out ends both.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import { signInCounts } from '../accounts/sign-in-counts.ts';
import type { Account } from '../store/types.ts';

/** A sensitive change needs a sign-in at most this long ago. */
export const REAUTH_WINDOW_SECONDS = 300;

export interface AccountSession {
  account: Account;
  /** Stable per browser session; binds account-menu WebAuthn challenges to it. */
  sessionUid: string;
  /** When the user last signed in (epoch seconds). */
  loginTs: number;
  /** How the user last signed in (oidc/assurance.ts ACR), '' when unknown. */
  acr?: string;
}

export async function currentSession(ctx: Context, provider: Provider, accounts: AccountService): Promise<AccountSession | undefined> {
  const session = await provider.Session.get(ctx);
  if (!session.accountId) return undefined;
  const account = await accounts.findById(session.accountId);
  if (!account) return undefined;
  const acr = typeof session.acr === 'string' ? session.acr : '';
  // The provider asks the same rule before it lets a partner use the session.
  if (!signInCounts(account, { acr, loginTs: session.loginTs })) return undefined;
  return { account, sessionUid: session.uid, loginTs: session.loginTs ?? 0, acr };
}

export function isFresh(session: AccountSession, now: number): boolean {
  return now / 1000 - session.loginTs <= REAUTH_WINDOW_SECONDS;
}
