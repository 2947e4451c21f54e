// Lost-phone recovery requests reviewed by an operator.

export type RecoveryStatus = 'pending' | 'approved' | 'rejected' | 'completed';

/** The enrolment link of an approved request was used: when, and the passkey it registered. */
export interface RecoveryEnrolment {
  at: Date;
  credentialId: string;
}

/** How the latest clean-up after the enrolment ended: `failed` leaves the request approved for `complete`. */
export interface RecoveryCompletion {
  outcome: 'completed' | 'failed';
  at: Date;
  actor: string;
  /** The clean-up's attempts (2 when the first failed). */
  attempts: number;
  removedPhones: number;
  removedPasskeys: number;
  sessions: number;
  tokens: number;
  trustedBrowsers: number;
  /** A password existed and was removed (whoever held the phone could have set it). */
  passwordRemoved: boolean;
  /** What still failed after the last attempt; empty when completed. */
  failedSteps: string[];
}

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
  /** Set when the enrolment link was used; null before. */
  enrolment: RecoveryEnrolment | null;
  /** The latest clean-up after the enrolment; null before there was one. */
  completion: RecoveryCompletion | null;
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
  /** Records that the request's enrolment link was used (the ticket's single use decides who). */
  recordEnrolment(id: string, enrolment: RecoveryEnrolment): Promise<void>;
  /** Records how the latest clean-up ended, replacing the one before. */
  recordCompletion(id: string, completion: RecoveryCompletion): Promise<void>;
}
