// Accounts: who signs in, how (password or always passkey), their verified contacts, and since
// when their sign-ins count.

export type ContactKind = 'email' | 'mobile';

/** A contact address the user proved they receive messages at (by a one-time code). */
export interface VerifiedContact {
  /** A lower-cased e-mail address, or a mobile number in E.164 (+819012345678). */
  value: string;
  verifiedAt: Date;
}

export interface Account {
  /** Opaque, stable, never reused: the OIDC `sub`. */
  id: string;
  /** Lower-cased and trimmed; unique. */
  email: string;
  /**
   * The sign-in address was proven by a code sent to it (a sign-up or a password reset). Accounts
   * made by a password sign-up before sign-ups proved their address hold false until a reset.
   */
  emailVerified: boolean;
  name: string;
  /** argon2id PHC string, or null when the account has no password. */
  passwordHash: string | null;
  /**
   * The WebAuthn user handle (user.id) of every passkey of this account: 32 random bytes,
   * base64url. Random rather than derived from the account id, so it reveals nothing.
   */
  webauthnUserId: string;
  /**
   * "Always passkey" (いつもパスキー設定): no password exists (passwordHash is null) and password
   * sign-in, password reset and password-dependent partner services are refused.
   */
  alwaysPasskey: boolean;
  /** Verified contact e-mail address (may differ from the sign-in e-mail), or null. */
  contactEmail: VerifiedContact | null;
  /** Verified contact mobile number, or null. */
  contactMobile: VerifiedContact | null;
  /**
   * Epoch seconds: every sign-in made strictly earlier (session loginTs) counts for nothing, also
   * one finished but still waiting in its interaction when access was revoked. Null: none yet.
   */
  sessionsValidFrom: number | null;
  /**
   * Set by an operator: the account cannot sign in by any method, and no sign-in of it counts
   * (accounts/sign-in-counts.ts). Null while the account may sign in.
   */
  disabled: AccountDisablement | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Who disabled an account, when, and why (the operator's note). */
export interface AccountDisablement {
  at: Date;
  /** The audit actor of the operator, e.g. `operator:<account id>`. */
  by: string;
  reason: string;
}

/** How the account signs in: written together in one single-document update. */
export interface SignInMode {
  passwordHash: string | null;
  alwaysPasskey: boolean;
}

export interface NewAccount {
  email: string;
  emailVerified: boolean;
  name: string;
  passwordHash: string | null;
  /** Set when a passkey was registered before the account existed (passwordless sign-up); else generated. */
  webauthnUserId?: string;
}

export interface AccountRepository {
  /** Throws DuplicateKeyError('email') when the e-mail is taken. */
  create(input: NewAccount): Promise<Account>;
  findById(id: string): Promise<Account | undefined>;
  /** `email` must already be normalised (lower-cased, trimmed). */
  findByEmail(email: string): Promise<Account | undefined>;
  /**
   * Sets password hash and always-passkey flag together. With `expectAlwaysPasskey`, only when the
   * account's flag currently has that value (a password reset must not undo a mode switch made in
   * the meantime). Returns the updated account; undefined when gone or the expectation failed.
   */
  setSignInMode(id: string, mode: SignInMode, at: Date, expectAlwaysPasskey?: boolean): Promise<Account | undefined>;
  /** Sets (or with null removes) one verified contact. Returns the updated account; undefined when gone. */
  setContact(id: string, kind: ContactKind, contact: VerifiedContact | null, at: Date): Promise<Account | undefined>;
  /**
   * Marks the sign-in e-mail address proven. Only when it is not yet (one proof wins, and its
   * clean-up runs once): the updated account, or undefined when gone or proven already.
   */
  setEmailVerified(id: string, at: Date): Promise<Account | undefined>;
  /** Returns the updated account; undefined when gone. */
  setName(id: string, name: string, at: Date): Promise<Account | undefined>;
  /**
   * Voids every sign-in before `epochSeconds`. Only moves forward: a lower value than the stored
   * one changes nothing. Returns the account as stored afterwards; undefined when gone.
   */
  setSessionsValidFrom(id: string, epochSeconds: number, at: Date): Promise<Account | undefined>;
  /**
   * Disables the account (`disabled` set) or enables it (null). Only when that changes something,
   * so of two operators acting at once one wins: the updated account, or undefined when it was in
   * that state already (or is gone).
   */
  setDisabled(id: string, disabled: AccountDisablement | null, at: Date): Promise<Account | undefined>;
}
