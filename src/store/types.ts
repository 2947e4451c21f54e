// The storage port. Services and the oidc-provider glue depend on these interfaces only; the
// adapters in store/memory and store/mongo implement them, and test/store/contract.test.ts holds
// both to the same behaviour.
//
// Rules every adapter keeps:
// - Expiry is checked on every read; an expired record is never returned. TTL indexes (where the
//   server supports them) and a periodic sweep only reclaim space, they are not what makes reads
//   correct.
// - Consume-once is a single atomic step, so two processes racing for one code both call consume
//   and exactly one of them succeeds.
// - No operation relies on multi-document transactions (FerretDB 1.x has none).
import type { AdapterPayload } from 'oidc-provider';

export type { AdapterPayload };

/** The storage for one oidc-provider model (Session, Grant, AuthorizationCode, ...). */
export interface OidcModelStore {
  /** Insert or replace. `expiresIn` is in seconds; absent means the record does not expire. */
  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  /** Sessions are found by their `uid` too. */
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  /** Device codes are found by their `userCode` too. */
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  /**
   * Marks the record consumed (payload.consumed = epoch seconds) in one atomic step.
   * Throws AlreadyConsumedError when the record is already consumed, expired or gone.
   */
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  /** Removes every record of this model that belongs to the grant. */
  revokeByGrantId(grantId: string): Promise<void>;
}

export interface Account {
  /** Opaque, stable, never reused: the OIDC `sub`. */
  id: string;
  /** Lower-cased and trimmed; unique. */
  email: string;
  emailVerified: boolean;
  name: string;
  /** argon2id PHC string, or null when the account has no password. */
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewAccount {
  email: string;
  emailVerified: boolean;
  name: string;
  passwordHash: string | null;
}

export interface AccountRepository {
  /** Throws DuplicateKeyError('email') when the e-mail is taken. */
  create(input: NewAccount): Promise<Account>;
  findById(id: string): Promise<Account | undefined>;
  /** `email` must already be normalised (lower-cased, trimmed). */
  findByEmail(email: string): Promise<Account | undefined>;
}

/**
 * Named values every tobira process must share, e.g. the generated signing keys and cookie keys.
 * Values are JSON-serialisable.
 */
export interface SecretRepository {
  get<T>(name: string): Promise<T | undefined>;
  /**
   * Stores `candidate` under `name` unless a value is already there, and returns the stored value.
   * When several processes start at once they all end up with the first one written.
   */
  getOrInsert<T>(name: string, candidate: T): Promise<T>;
}

/**
 * Which consent grants the user asked tobira to remember. A grant that is not remembered still
 * backs the tokens issued through it, but the user is asked again on the next authorization.
 */
export interface ConsentRepository {
  remember(grantId: string, expiresAt: Date | null): Promise<void>;
  isRemembered(grantId: string): Promise<boolean>;
  forget(grantId: string): Promise<void>;
}

export interface Store {
  readonly kind: 'memory' | 'mongo';
  readonly accounts: AccountRepository;
  readonly secrets: SecretRepository;
  readonly consents: ConsentRepository;
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
