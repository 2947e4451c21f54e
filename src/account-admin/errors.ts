import { E } from '../errors/app-error.ts';

/** The lookup term is neither an e-mail address nor an account id. */
export const AccountLookupInvalidError = E('account_lookup_invalid', 400);
/** No account has the e-mail address or id an operator looked up (operators may know this). */
export const AccountLookupNoneError = E('account_lookup_none', 404);
/** An operator tried to disable their own account: it would lock them out of the console. */
export const AccountDisableSelfError = E('account_disable_self', 409);
/** `field` names the search condition that is not valid. */
export const AuditQueryInvalidError = E('audit_query_invalid', 400, (field: string) => ({ field }));
