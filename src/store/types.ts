// The storage port: the Store every adapter hands out, assembled from one port per aggregate
// (store/ports/<aggregate>.ts: its entities and repository interface). Services and the oidc-provider
// glue depend on those interfaces only; the adapters in store/memory and store/mongo implement them
// file for file, and test/store/contract/ holds both to the same behaviour, one file per repository.
//
// Rules every adapter keeps:
// - Expiry is checked on every read; an expired record is never returned. TTL indexes (where the
//   server supports them) and a periodic sweep only reclaim space, they are not what makes reads
//   correct.
// - Consume-once is a single atomic step, so two processes racing for one code both call consume
//   and exactly one of them succeeds.
// - No operation relies on multi-document transactions (FerretDB 1.x has none).
import type { AccountRepository } from './ports/accounts.ts';
import type { ApprovalRepository } from './ports/approvals.ts';
import type { AuditRepository } from './ports/audit.ts';
import type { BlockRepository } from './ports/blocks.ts';
import type { ChallengeRepository } from './ports/challenges.ts';
import type { ClientRepository } from './ports/clients.ts';
import type { ConsentRepository } from './ports/consents.ts';
import type { CounterRepository } from './ports/counters.ts';
import type { DeviceRepository } from './ports/devices.ts';
import type { EnrolmentTicketRepository } from './ports/enrolment-tickets.ts';
import type { OidcModelStore } from './ports/oidc-model.ts';
import type { OneTimeCodeRepository } from './ports/one-time-codes.ts';
import type { OperatorGrantRepository, OperatorTokenRepository } from './ports/operators.ts';
import type { PasskeyRepository } from './ports/passkeys.ts';
import type { PhoneHandoffRepository } from './ports/phone-handoffs.ts';
import type { RecoveryRequestRepository } from './ports/recovery-requests.ts';
import type { SecretRepository } from './ports/secrets.ts';
import type { TrustedBrowserRepository } from './ports/trusted-browsers.ts';

// Re-exported so that code importing entity types from here keeps working; new code may import
// the port it uses directly.
export type * from './ports/accounts.ts';
export type * from './ports/approvals.ts';
export type * from './ports/audit.ts';
export type * from './ports/blocks.ts';
export type * from './ports/challenges.ts';
export type * from './ports/clients.ts';
export type * from './ports/consents.ts';
export type * from './ports/counters.ts';
export type * from './ports/devices.ts';
export type * from './ports/enrolment-tickets.ts';
export type * from './ports/oidc-model.ts';
export type * from './ports/one-time-codes.ts';
export type * from './ports/operators.ts';
export type * from './ports/passkeys.ts';
export type * from './ports/phone-handoffs.ts';
export type * from './ports/recovery-requests.ts';
export type * from './ports/secrets.ts';
export type * from './ports/trusted-browsers.ts';

export interface Store {
  readonly kind: 'memory' | 'mongo';
  readonly accounts: AccountRepository;
  readonly secrets: SecretRepository;
  readonly consents: ConsentRepository;
  readonly passkeys: PasskeyRepository;
  readonly challenges: ChallengeRepository;
  readonly oneTimeCodes: OneTimeCodeRepository;
  readonly counters: CounterRepository;
  readonly audit: AuditRepository;
  readonly devices: DeviceRepository;
  readonly approvals: ApprovalRepository;
  readonly trustedBrowsers: TrustedBrowserRepository;
  readonly blocks: BlockRepository;
  readonly recoveryRequests: RecoveryRequestRepository;
  readonly enrolmentTickets: EnrolmentTicketRepository;
  readonly phoneHandoffs: PhoneHandoffRepository;
  /** Partner services registered through the operator API (the clients file is read at start). */
  readonly clients: ClientRepository;
  /** Operator roles per account (src/operators/). */
  readonly operatorGrants: OperatorGrantRepository;
  /** Operators' personal API tokens (src/operators/). */
  readonly operatorTokens: OperatorTokenRepository;
  /** The oidc-provider Adapter storage for one model name. Same instance for the same name. */
  oidc(model: string): OidcModelStore;
  /** Creates indexes (idempotent). Called once at start, before serving. */
  init(): Promise<void>;
  /** Resolves when the store answers; rejects otherwise. Used by /readyz. */
  ping(): Promise<void>;
  /** Deletes expired records; returns how many. Run periodically where TTL indexes are missing. */
  sweepExpired(): Promise<number>;
  close(): Promise<void>;
}
