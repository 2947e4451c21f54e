import { E } from '../errors/app-error.ts';

export const OperatorAccountNotFoundError = E('operator_account_not_found', 404);
export const LastAdminError = E('operator_last_admin', 409);
export const OperatorTokenNotFoundError = E('operator_token_not_found', 404);
export const OperatorTokenScopeError = E('operator_token_scope', 400, (scope: string) => ({ scope }));
export const OperatorTokenNameError = E('operator_token_name', 400);
export const AdminTokenRetiredError = E('admin_token_retired', 401);
export const OperatorForbiddenError = E('operator_forbidden', 403, (scope: string) => ({ scope }));
