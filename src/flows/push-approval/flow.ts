// A push approval as a flow: pending → approved | denied | reported (a phone), or withdrawn (the
// asking browser chose another way), or expired while pending. The
// state lives in the approval record (store), so any process serves any step; the store makes the
// decision race-safe (one decider wins). The rules on the record's status are here: what may be
// decided, what a finishing sign-in needs, what the waiting page shows, and when it expires.
import type { Approval, ApprovalDecision, ApprovalStatus } from '../../store/types.ts';
import { ApprovalAlreadyDecidedError, ApprovalNotApprovedError, ApprovalNotFoundError } from './errors.ts';

export type { ApprovalStatus };
/** A decision a phone makes (approve, deny, or "This wasn't me"), or the asking browser's withdrawal. */
export type Decision = Exclude<ApprovalStatus, 'pending'>;
/** What the waiting sign-in page shows: the record's status, or expired once the store hides it. */
export type WaitingStatus = ApprovalStatus | 'expired';

/** The allowed transitions of the record's status; decided approvals are final. */
export const TRANSITIONS: Readonly<Record<ApprovalStatus, readonly Decision[]>> = {
  pending: ['approved', 'denied', 'reported', 'withdrawn'],
  approved: [],
  denied: [],
  reported: [],
  withdrawn: [],
};

/** An approval lives `push.approvalTtlSeconds` (PUSH_APPROVAL_TTL; 120 by default) from its creation. */
export function expiresAt(now: number, approvalTtlSeconds: number): Date {
  return new Date(now + approvalTtlSeconds * 1000);
}

export function isExpired(approval: Approval, now: number): boolean {
  return approval.expiresAt.getTime() <= now;
}

/**
 * The approval as anyone may still see it: the store hides expired ones by its clock, tobira's
 * clock decides too. Unknown and expired answer alike.
 */
export function requireLive(approval: Approval | undefined, now: number): Approval {
  if (!approval || isExpired(approval, now)) throw new ApprovalNotFoundError();
  return approval;
}

/** A phone may answer only a pending approval. */
export function requirePending(approval: Approval): Approval {
  if (TRANSITIONS[approval.status].length === 0) throw new ApprovalAlreadyDecidedError();
  return approval;
}

/** The transition pending → `decision`, as the store is to claim it (it refuses a lost race). */
export function decided(approval: Approval, decision: Omit<ApprovalDecision, 'status'> & { status: Decision }): ApprovalDecision {
  if (!TRANSITIONS[approval.status].includes(decision.status)) throw new ApprovalAlreadyDecidedError();
  return decision;
}

/** A sign-in finishes only with an approved approval. */
export function requireApproved(approval: Approval): Approval {
  if (approval.status !== 'approved') throw new ApprovalNotApprovedError();
  return approval;
}
