// Who may run tobira: role grants per account (src/operators/roles.ts says what each role may do)
// and the operators' personal API tokens. Both are kept until removed: an expired or revoked token
// stays listed (the console shows it as such) and src/operators/ refuses it.

/** `admin` may do everything an `operator` may, and more (src/operators/roles.ts). */
export type OperatorRole = 'operator' | 'admin';

export interface OperatorGrant {
  accountId: string;
  role: OperatorRole;
  grantedAt: Date;
  /** The audit actor who granted it (`operator:<account id>:<e-mail>`, or the bootstrap token). */
  grantedBy: string;
}

export interface OperatorGrantRepository {
  /** Gives the account this role, replacing the one it had. */
  put(grant: OperatorGrant): Promise<OperatorGrant>;
  find(accountId: string): Promise<OperatorGrant | undefined>;
  /** Every grant, oldest first. */
  list(): Promise<OperatorGrant[]>;
  /** Takes the account's role away; false when it had none. */
  remove(accountId: string): Promise<boolean>;
  /** The grants of `admin`, oldest first: the bootstrap token is refused once there is one. */
  listAdmins(): Promise<OperatorGrant[]>;
}

/** A personal API token; only a hash of its secret is kept. */
export interface OperatorToken {
  /** Public part of the token (`tobira_op_<id>.<secret>`); the record's key. */
  id: string;
  accountId: string;
  /** What the operator called it. */
  name: string;
  /** What it may be used for (src/operators/roles.ts SCOPES). */
  scopes: string[];
  /** SHA-256 of the secret part, base64url. */
  secretHash: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface OperatorTokenRepository {
  /** DuplicateKeyError('id') when the id is taken. */
  create(token: OperatorToken): Promise<OperatorToken>;
  find(id: string): Promise<OperatorToken | undefined>;
  /** The account's tokens, newest first, revoked and expired ones included. */
  listByAccount(accountId: string): Promise<OperatorToken[]>;
  /** Marks one token of the account revoked at `at`; false when it has no such token or it was revoked already. */
  revoke(accountId: string, id: string, at: Date): Promise<boolean>;
  /** Revokes every live token of the account (its role was taken away); returns how many. */
  revokeAll(accountId: string, at: Date): Promise<number>;
  /** Records a use. */
  touch(id: string, at: Date): Promise<void>;
}
