// A recovery request as a flow: pending → approved | rejected (an operator decides), approved →
// completed (the enrolment link was used and the clean-up ran). The state lives in the request
// record; the store makes each transition race-safe (`transition(id, from, …)` has one winner), and
// the rules on the record's status are here.
//
// A pending request does not expire; what expires is the enrolment link an approval sends, after
// recovery.enrolmentLinkTtlSeconds (a day by default). A failed clean-up leaves
// the request approved, for an operator's `complete`.
import type { RecoveryRequest, RecoveryStatus } from '../../store/types.ts';
import { RecoveryNotCompletableError, RecoveryRequestDecidedError } from './errors.ts';

export type { RecoveryStatus };

/** What the requester gives (and where from); the rest of a new request is the flow's start. */
export type Filing = Pick<RecoveryRequest, 'id' | 'accountId' | 'accountHint' | 'contactEmail' | 'contactMobile' | 'message' | 'ip' | 'userAgent' | 'createdAt'>;

/** A request as filed: pending, undecided, no link used, no clean-up. */
export function filed(filing: Filing): RecoveryRequest {
  return { ...filing, status: 'pending', decidedAt: null, decidedBy: null, decisionNote: '', enrolmentSentTo: null, completedAt: null, enrolment: null, completion: null };
}
/** A state reached by a transition. */
export type Reached = Exclude<RecoveryStatus, 'pending'>;

/** The one state each state is reached from: the `from` of the store's claim. */
export const REACHED_FROM: Readonly<Record<Reached, RecoveryStatus>> = {
  approved: 'pending',
  rejected: 'pending',
  completed: 'approved',
};

/** The allowed transitions, from each state. */
export function nextStates(status: RecoveryStatus): Reached[] {
  return (Object.keys(REACHED_FROM) as Reached[]).filter((to) => REACHED_FROM[to] === status);
}

/** The claim that moves a request to `to`: `from` → `to`. */
export function transition(to: Reached): { from: RecoveryStatus; to: Reached } {
  return { from: REACHED_FROM[to], to };
}

/** Only a pending request can be decided (approved or rejected). */
export function requireDecidable(request: RecoveryRequest): RecoveryRequest {
  if (!nextStates(request.status).includes('approved')) throw new RecoveryRequestDecidedError(request.status);
  return request;
}

/** Only an approved request that names an account can be completed. */
export function requireCompletable(request: RecoveryRequest): RecoveryRequest & { accountId: string } {
  const { accountId } = request;
  if (!nextStates(request.status).includes('completed') || accountId === null) throw new RecoveryNotCompletableError(request.status);
  return { ...request, accountId };
}
