// What each operator role may do. A personal token carries scopes; a request is allowed when the
// scope it needs is among the token's and the account's role still reaches that scope (a token
// never outlives its holder's role). The console's session has every scope of its role.
//
//   operator — recovery queue, account lookup and the actions on an account, audit log (read)
//   admin    — everything an operator may, and partners (clients), signing keys, operator grants
import type { OperatorRole } from '../store/ports/operators.ts';

export type { OperatorRole } from '../store/ports/operators.ts';

export const ROLES: readonly OperatorRole[] = ['operator', 'admin'];

/** What a personal token (and an API section) can be scoped to. */
export const SCOPES = ['recovery', 'accounts', 'audit', 'clients', 'keys', 'operators'] as const;
export type OperatorScope = (typeof SCOPES)[number];

/** The least role that reaches each scope. */
const LEAST_ROLE: Readonly<Record<OperatorScope, OperatorRole>> = {
  recovery: 'operator',
  accounts: 'operator',
  audit: 'operator',
  clients: 'admin',
  keys: 'admin',
  operators: 'admin',
};

const RANK: Readonly<Record<OperatorRole, number>> = { operator: 1, admin: 2 };

export function isRole(value: unknown): value is OperatorRole {
  return value === 'operator' || value === 'admin';
}

export function isScope(value: unknown): value is OperatorScope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** Whether `role` reaches `scope`. */
export function roleAllows(role: OperatorRole, scope: OperatorScope): boolean {
  return RANK[role] >= RANK[LEAST_ROLE[scope]];
}

/** Every scope the role reaches, in SCOPES order. */
export function scopesOf(role: OperatorRole): OperatorScope[] {
  return SCOPES.filter((scope) => roleAllows(role, scope));
}
