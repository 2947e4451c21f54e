// Push sign-in approvals.

/** `withdrawn`: the asking browser chose another way ("use another way") before any phone answered. */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'reported' | 'withdrawn';

/** Who asked: a sign-in in a browser, or a partner's server (CIBA, no browser at all). */
export type ApprovalOrigin =
  | {
    kind: 'browser';
    /** The interaction (sign-in attempt) it belongs to. */
    interactionUid: string;
    /** SHA-256 (hex) of the requesting browser's binding cookie: only that browser may finish. */
    browserHash: string;
  }
  | {
    kind: 'ciba';
    /** The backchannel authentication request (auth_req_id) the decision answers. */
    authReqId: string;
  };

/** A push sign-in request waiting for the user's phone. */
export interface Approval {
  /** Random, 128 bits, base64url: unguessable. */
  id: string;
  accountId: string;
  origin: ApprovalOrigin;
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

/** The caps a new approval must stay within, counted together with its creation. */
export interface ApprovalCaps {
  /** At most this many live pending approvals of the account, the new one included. */
  maxPending: number;
  /** At most this many approvals of the account created since `since`, the new one included. */
  maxSince: number;
  since: Date;
}

/** What became of a capped creation: made, or refused (and not stored) by the cap it would break. */
export type CappedCreation = 'created' | 'too_many_pending' | 'too_many_since';

export interface ApprovalRepository {
  create(approval: Approval): Promise<void>;
  /**
   * Creates the approval only if the account then stays within `caps`. Race-safe, also across
   * processes: however many creations race, the caps are never exceeded. When several race for the
   * last place, the memory store lets exactly one in; the mongo store may refuse them all (each
   * stores, then counts, and takes itself back when over), never more than the cap.
   */
  createWithinCaps(approval: Approval, caps: ApprovalCaps): Promise<CappedCreation>;
  /** Live or decided, but never after expiresAt (expired approvals read as undefined). */
  find(id: string): Promise<Approval | undefined>;
  /** Pending, not expired, newest first. */
  listPending(accountId: string): Promise<Approval[]>;
  /**
   * Which of `ids` are still pending and not expired, in one read: a process's waiting pages learn
   * of decisions taken by other processes this way (flows/push-approval/decision-signal.ts).
   * Unknown ids are simply not pending.
   */
  pendingAmong(ids: readonly string[]): Promise<Set<string>>;
  /**
   * pending → decision, exactly once even when several deciders race (single winner on FerretDB
   * too). Returns the decided approval, or undefined when it was not pending, expired or gone.
   */
  decide(id: string, decision: ApprovalDecision): Promise<Approval | undefined>;
  /**
   * An approved approval signs in once: true for exactly one caller per approval, also when several
   * race across processes; false when it is not live and approved, or was completed before.
   */
  complete(id: string): Promise<boolean>;
  /** How many approvals the account created since `since`, counted as createWithinCaps counts the hourly cap. */
  countCreatedSince(accountId: string, since: Date): Promise<number>;
}
