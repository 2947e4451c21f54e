// The storage oidc-provider's adapter writes through: one store per model (Session, Grant, ...).
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
  /**
   * The live records of this model that belong to the account (payload.accountId), with their ids,
   * in no particular order. Used to list a user's grants and to end their sessions and tokens.
   */
  listByAccountId(accountId: string): Promise<Array<{ id: string; payload: AdapterPayload }>>;
}
