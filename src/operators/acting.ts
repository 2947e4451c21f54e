// Who is acting on the operator API or in the console, as the edge established it
// (admin/operator-auth.ts puts it on ctx.state.operator), and how the audit log names them.
import type { OperatorRole, OperatorScope } from './roles.ts';

/** How the operator proved who they are. */
export type OperatorAuthKind = 'console' | 'token' | 'bootstrap';

export interface ActingOperator {
  /** The operator's tobira account; null only for the bootstrap token, which is nobody's. */
  accountId: string | null;
  email: string | null;
  role: OperatorRole;
  kind: OperatorAuthKind;
  /** What this request may reach: the token's scopes that the role still reaches, or all of the role's. */
  scopes: readonly OperatorScope[];
  /** The personal token used, when kind is 'token'. */
  tokenId?: string;
}

export const BOOTSTRAP_ACTOR = 'operator:bootstrap-token';

/**
 * The audit log's `actor` for an operator: `operator:<account id>:<e-mail>`, so a search by the
 * account id prefix finds everything one operator did, whatever their address is today.
 */
export function operatorActor(operator: Pick<ActingOperator, 'accountId' | 'email'>): string {
  return operator.accountId === null ? BOOTSTRAP_ACTOR : `operator:${operator.accountId}:${operator.email ?? ''}`;
}

/** A short name for records that keep who decided (a recovery request's decidedBy): the e-mail. */
export function operatorName(operator: Pick<ActingOperator, 'accountId' | 'email'>): string {
  return operator.accountId === null ? 'bootstrap-token' : (operator.email ?? operator.accountId);
}
