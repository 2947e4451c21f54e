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
  /**
   * The live records of this model that belong to the account (payload.accountId), with their ids,
   * in no particular order. Used to list a user's grants and to end their sessions and tokens.
   */
  listByAccountId(accountId: string): Promise<Array<{ id: string; payload: AdapterPayload }>>;
}

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
  createdAt: Date;
  updatedAt: Date;
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
  /** Returns the updated account; undefined when gone. */
  setName(id: string, name: string, at: Date): Promise<Account | undefined>;
  /**
   * Voids every sign-in before `epochSeconds`. Only moves forward: a lower value than the stored
   * one changes nothing. Returns the account as stored afterwards; undefined when gone.
   */
  setSessionsValidFrom(id: string, epochSeconds: number, at: Date): Promise<Account | undefined>;
}

export type CredentialDeviceType = 'singleDevice' | 'multiDevice';

/** A WebAuthn credential (passkey) registered to an account. */
export interface Passkey {
  /** base64url credential ID; unique across all accounts. */
  credentialId: string;
  accountId: string;
  /** The account's webauthnUserId at registration: an assertion must carry this user handle. */
  userHandle: string;
  /** COSE public key bytes. Adapters must hand back a Uint8Array (not a Buffer subclass or BSON Binary). */
  publicKey: Uint8Array;
  /** Signature counter; 0 forever for synced passkeys. */
  counter: number;
  /** AuthenticatorTransportFuture values as reported at registration, e.g. ['internal', 'hybrid']. */
  transports: string[];
  /** Authenticator model (UUID string, all zeros when the authenticator does not say). */
  aaguid: string;
  deviceType: CredentialDeviceType;
  backedUp: boolean;
  /** Shown to the user; defaults to the passkey provider's name. */
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface PasskeyUse {
  counter: number;
  deviceType: CredentialDeviceType;
  backedUp: boolean;
  at: Date;
}

export interface PasskeyRepository {
  /** Throws DuplicateKeyError('credentialId') when the credential is already registered (to anyone). */
  add(passkey: Passkey): Promise<void>;
  findByCredentialId(credentialId: string): Promise<Passkey | undefined>;
  /** Oldest first. */
  listByAccount(accountId: string): Promise<Passkey[]>;
  /** After a verified assertion: new counter, backup state, last used. False when the passkey is gone. */
  recordUse(credentialId: string, use: PasskeyUse): Promise<boolean>;
  /** Only the owner's passkey is renamed; false when there is no such passkey of that account. */
  rename(accountId: string, credentialId: string, name: string): Promise<boolean>;
  /** Only the owner's passkey is removed; false when there is no such passkey of that account. */
  remove(accountId: string, credentialId: string): Promise<boolean>;
}

/**
 * A WebAuthn challenge waiting for its response, stored under a key that names what it is bound
 * to (e.g. `authn:interaction:<uid>`), so the response is checked against the ceremony that asked
 * for it. A new challenge under the same key replaces the old one.
 */
export interface StoredChallenge {
  key: string;
  /** base64url, as sent to the browser. */
  challenge: string;
  /** The account the ceremony is for, when known (registration, identifier-first, account menu). */
  accountId: string | null;
  expiresAt: Date;
}

export interface ChallengeRepository {
  put(challenge: StoredChallenge): Promise<void>;
  /**
   * Removes and returns the live challenge under `key`, for exactly one caller even when several
   * race (FerretDB's findOneAndDelete is not atomic: use a single-winner step). Expired, missing
   * or already taken → undefined.
   */
  take(key: string): Promise<StoredChallenge | undefined>;
}

/** A one-time code sent to an e-mail address or phone number, stored only as a hash. */
export interface OneTimeCode {
  /** What the code is for and whose it is, e.g. `signup:<interaction uid>`. */
  key: string;
  /** SHA-256 (hex) of the code; the code itself is never stored. */
  codeHash: string;
  /** Where the code was sent (an e-mail address or phone number). */
  target: string;
  expiresAt: Date;
}

export interface OneTimeCodeRepository {
  /** Stores a new code under `key`, replacing an older one; the failure count is NOT reset. */
  issue(code: OneTimeCode): Promise<void>;
  /** The live code under `key`, or undefined. */
  find(key: string): Promise<OneTimeCode | undefined>;
  /**
   * Counts one failed attempt for `key` and returns the count including this one. Race-safe: N
   * concurrent calls count N (on FerretDB too). The count lives `windowSeconds` from the first
   * failure, independent of re-issued codes.
   */
  recordFailure(key: string, windowSeconds: number): Promise<number>;
  /** Failed attempts counted for `key` in its current window (0 when none). */
  failures(key: string): Promise<number>;
  /**
   * Removes the live code under `key` if its hash matches, for exactly one caller even when
   * several race. True when this caller consumed it.
   */
  consume(key: string, codeHash: string): Promise<boolean>;
}

/** One security-relevant event. Append-only: never updated or deleted by tobira. */
export interface AuditEvent {
  id: string;
  at: Date;
  /** Dotted event name, e.g. `passkey.registered`, `login.failed`, `passkey.counter_regression`. */
  type: string;
  /** The account concerned, when there is one. */
  accountId: string | null;
  /** Who acted: 'user', 'operator:<name>', 'system'. */
  actor: string;
  ip: string | null;
  userAgent: string | null;
  /** Event-specific, JSON-serialisable details (never secrets). */
  details: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

export interface AuditRepository {
  append(event: NewAuditEvent): Promise<AuditEvent>;
  /** Newest first; with `types`, only events of those types (e.g. the sign-in history). */
  listByAccount(accountId: string, limit: number, types?: readonly string[]): Promise<AuditEvent[]>;
  /** Newest first, optionally of one type. */
  list(options: { type?: string; limit: number }): Promise<AuditEvent[]>;
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

/** A Web Push subscription as the browser's PushSubscription.toJSON() gives it. */
export interface PushSubscriptionRecord {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A phone set up for push sign-in approvals (パスキー端末設定): its passkey plus its push subscription. */
export interface Device {
  /** Random, base64url. */
  id: string;
  accountId: string;
  /** The passkey registered on this phone during setup (a Passkey record with the same id exists). */
  credentialId: string;
  subscription: PushSubscriptionRecord;
  name: string;
  createdAt: Date;
  lastSeenAt: Date;
}

export interface DeviceRepository {
  /** Throws DuplicateKeyError('credentialId') when the credential already belongs to a device. */
  add(device: Device): Promise<void>;
  findById(id: string): Promise<Device | undefined>;
  /** Oldest first. */
  listByAccount(accountId: string): Promise<Device[]>;
  rename(accountId: string, id: string, name: string): Promise<boolean>;
  /** Replaces the push subscription (browsers rotate them) and touches lastSeenAt. False when gone. */
  updateSubscription(accountId: string, id: string, subscription: PushSubscriptionRecord, at: Date): Promise<boolean>;
  touch(id: string, at: Date): Promise<void>;
  remove(accountId: string, id: string): Promise<boolean>;
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'reported';

/** A push sign-in request waiting for the user's phone. */
export interface Approval {
  /** Random, 128 bits, base64url: unguessable. */
  id: string;
  accountId: string;
  /** The interaction (sign-in attempt) it belongs to. */
  interactionUid: string;
  /** SHA-256 (hex) of the requesting browser's binding cookie: only that browser may finish. */
  browserHash: string;
  /** 'none' when the browser is trusted; 'choose' (pick the number on the screen among three) or 'type' (type the 6 digits). */
  matching: 'none' | 'choose' | 'type';
  /** What the screen shows ('' when matching is 'none'). */
  number: string;
  /** What the phone offers in 'choose' mode, the right one among them, shuffled. */
  choices: string[];
  /** What the phone shows the user: partner service, browser, OS, IP, approximate place. */
  context: Record<string, string>;
  status: ApprovalStatus;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  /** The device that decided, when one did. */
  decidedBy: string | null;
  /** Whether the approving assertion carried user verification. */
  userVerified: boolean;
}

export interface ApprovalDecision {
  status: Exclude<ApprovalStatus, 'pending'>;
  at: Date;
  deviceId: string | null;
  userVerified: boolean;
}

export interface ApprovalRepository {
  create(approval: Approval): Promise<void>;
  /** Live or decided, but never after expiresAt (expired approvals read as undefined). */
  find(id: string): Promise<Approval | undefined>;
  /** Pending, not expired, newest first. */
  listPending(accountId: string): Promise<Approval[]>;
  /**
   * pending → decision, exactly once even when several deciders race (single winner on FerretDB
   * too). Returns the decided approval, or undefined when it was not pending, expired or gone.
   */
  decide(id: string, decision: ApprovalDecision): Promise<Approval | undefined>;
  /** How many approvals the account created since `since` (for the hourly cap). */
  countCreatedSince(accountId: string, since: Date): Promise<number>;
}

/** A browser the user has vouched for (number-matched approval or passkey sign-in in it). */
export interface TrustedBrowser {
  /** Random, base64url (not the cookie: the cookie is a separate secret, stored only as a hash). */
  id: string;
  accountId: string;
  /** SHA-256 (hex) of the opaque cookie value. Unique. */
  tokenHash: string;
  /** e.g. "Chrome 156 on Windows". */
  label: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date;
}

export interface TrustedBrowserRepository {
  add(browser: TrustedBrowser): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<TrustedBrowser | undefined>;
  /** Oldest first. */
  listByAccount(accountId: string): Promise<TrustedBrowser[]>;
  touch(id: string, at: Date): Promise<void>;
  rename(accountId: string, id: string, name: string): Promise<boolean>;
  remove(accountId: string, id: string): Promise<boolean>;
  /** Returns how many were removed. */
  removeAllForAccount(accountId: string): Promise<number>;
}

/**
 * Temporary blocks (e.g. push sign-in blocked for an account after "This wasn't me"), keyed by
 * what is blocked. Expire on read like everything else.
 */
export interface BlockRepository {
  block(key: string, until: Date, reason: string): Promise<void>;
  /** The live block under `key`, or undefined. */
  find(key: string): Promise<{ until: Date; reason: string } | undefined>;
}

export type RecoveryStatus = 'pending' | 'approved' | 'rejected' | 'completed';

/**
 * A lost-phone recovery request (nothing else works), reviewed by an operator. Requests naming no
 * account are kept too (accountId null): the form answers the same either way, and operators see
 * the attempts.
 */
export interface RecoveryRequest {
  /** Random, base64url. */
  id: string;
  accountId: string | null;
  /** The account ID (sign-in e-mail) as the requester typed it. */
  accountHint: string;
  /** The contact details the requester gave (unverified: operators compare them). */
  contactEmail: string;
  contactMobile: string;
  message: string;
  ip: string | null;
  userAgent: string | null;
  status: RecoveryStatus;
  createdAt: Date;
  decidedAt: Date | null;
  /** e.g. 'operator:alice'. */
  decidedBy: string | null;
  decisionNote: string;
  /** Where the enrolment link was sent on approval. */
  enrolmentSentTo: string | null;
  completedAt: Date | null;
}

export interface RecoveryTransition {
  status: Exclude<RecoveryStatus, 'pending'>;
  at: Date;
  by?: string;
  note?: string;
  enrolmentSentTo?: string;
}

export interface RecoveryRequestRepository {
  create(request: RecoveryRequest): Promise<void>;
  findById(id: string): Promise<RecoveryRequest | undefined>;
  /** Newest first, optionally of one status. */
  list(options: { status?: RecoveryStatus; limit: number }): Promise<RecoveryRequest[]>;
  /**
   * `from` → transition.status exactly once even when several callers race (single winner on
   * FerretDB too). Returns the updated request; undefined when it was not in `from` or is gone.
   * 'approved'/'rejected' set decidedAt/decidedBy/decisionNote; 'completed' sets completedAt.
   */
  transition(id: string, from: RecoveryStatus, transition: RecoveryTransition): Promise<RecoveryRequest | undefined>;
}

export type EnrolmentPurpose = 'recovery' | 'phone_change';

/**
 * A one-time right to register a new passkey for an account without signing in: sent as a link
 * after an operator approved a recovery request, or handed to the new phone after the contact codes
 * of a phone change. Only the SHA-256 of the link's secret is stored.
 */
export interface EnrolmentTicket {
  /** Random, base64url; part of the link. */
  id: string;
  /** SHA-256 (hex) of the link's secret. */
  secretHash: string;
  accountId: string;
  purpose: EnrolmentPurpose;
  recoveryRequestId: string | null;
  /** Where the link went (e-mail address or mobile number), or null when handed over in the browser. */
  sentTo: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface EnrolmentTicketRepository {
  create(ticket: EnrolmentTicket): Promise<void>;
  /** The live ticket (not used, not expired), or undefined. */
  find(id: string): Promise<EnrolmentTicket | undefined>;
  /** Uses the live ticket: true for exactly one caller even when several race; false when used, expired or gone. */
  use(id: string): Promise<boolean>;
}

export interface Store {
  readonly kind: 'memory' | 'mongo';
  readonly accounts: AccountRepository;
  readonly secrets: SecretRepository;
  readonly consents: ConsentRepository;
  readonly passkeys: PasskeyRepository;
  readonly challenges: ChallengeRepository;
  readonly oneTimeCodes: OneTimeCodeRepository;
  readonly audit: AuditRepository;
  readonly devices: DeviceRepository;
  readonly approvals: ApprovalRepository;
  readonly trustedBrowsers: TrustedBrowserRepository;
  readonly blocks: BlockRepository;
  readonly recoveryRequests: RecoveryRequestRepository;
  readonly enrolmentTickets: EnrolmentTicketRepository;
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
