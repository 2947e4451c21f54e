// What the console's sections are built from. A section that needs more adds a field here and its
// value in app/routes.ts.
import type { AccountActions } from '../account-admin/account-actions.ts';
import type { AccountLookup } from '../account-admin/account-lookup.ts';
import type { AuditSearch } from '../account-admin/audit-search.ts';
import type { ClientRegistry } from '../admin/client-registry.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { RecoveryService } from '../flows/recovery/service.ts';
import type { BodyReaders } from '../http/forms.ts';
import type { OperatorService } from '../operators/operator-service.ts';
import type { SigningKeyService } from '../oidc/signing-key-service.ts';

export interface ConsoleDeps {
  issuer: string;
  /** Partner services in the store (admin/client-registry.ts). */
  clients: ClientRegistry;
  operators: OperatorService;
  accounts: AccountService;
  recovery: RecoveryService;
  /** The signing keys' lifecycle (console/sections/keys.ts). */
  signingKeys: SigningKeyService;
  /** User accounts as operators see them (account lookup, actions) and the audit log search. */
  accountLookup: AccountLookup;
  accountActions: AccountActions;
  auditSearch: AuditSearch;
  audit: AuditLog;
  bodies: BodyReaders;
  displayTimeZone: string;
  now: () => number;
}
