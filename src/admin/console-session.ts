// Whether the browser's tobira session may use the operator console (and the operator API with
// that session): an account signed in with a passkey (acr phr) within CONSOLE_MAX_AGE_SECONDS,
// holding an operator role. The session is oidc-provider's, the one the account menu reads, so
// signing out of tobira signs out of the console too.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountService } from '../accounts/account-service.ts';
import { ACR } from '../assurance/assurance.ts';
import { currentSession, type AccountSession } from '../http/session.ts';
import type { ActingOperator } from '../operators/acting.ts';
import type { OperatorService } from '../operators/operator-service.ts';
import { scopesOf } from '../operators/roles.ts';

export interface ConsoleSessionDeps {
  provider: Provider;
  accounts: AccountService;
  operators: OperatorService;
  /** CONSOLE_MAX_AGE_SECONDS. */
  maxAgeSeconds: number;
  now: () => number;
}

/** Why a session does not open the console: nobody signed in, not with a passkey, too long ago, or no role. */
export type ConsoleRefusal = 'no_session' | 'not_passkey' | 'stale' | 'not_operator';

export type ConsoleAccess =
  | { ok: true; operator: ActingOperator; session: AccountSession }
  | { ok: false; reason: ConsoleRefusal; session?: AccountSession };

export async function consoleAccess(ctx: Context, deps: ConsoleSessionDeps): Promise<ConsoleAccess> {
  const session = await currentSession(ctx, deps.provider, deps.accounts);
  if (!session) return { ok: false, reason: 'no_session' };
  if (session.acr !== ACR.PHISHING_RESISTANT) return { ok: false, reason: 'not_passkey', session };
  if (deps.now() / 1000 - session.loginTs > deps.maxAgeSeconds) return { ok: false, reason: 'stale', session };
  const role = await deps.operators.roleOf(session.account.id);
  if (!role) return { ok: false, reason: 'not_operator', session };
  return {
    ok: true,
    session,
    operator: { accountId: session.account.id, email: session.account.email, role, kind: 'console', scopes: scopesOf(role) },
  };
}
