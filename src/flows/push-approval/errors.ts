import { E } from '../../errors/app-error.ts';

export const PushBlockedError = E('push_blocked', 429);
/** After a wrong number on the phone: browsers that must show a number wait (PUSH_WRONG_NUMBER_PAUSE_SECONDS). */
export const PushPausedError = E('push_paused', 429);
export const TooManyPendingApprovalsError = E('too_many_pending', 429);
export const ApprovalRateLimitedError = E('push_rate_limited', 429);
export const ApprovalNotFoundError = E('approval_not_found', 404);
export const ApprovalAlreadyDecidedError = E('approval_decided', 409);
export const WrongNumberError = E('wrong_number', 400);
export const ApprovalNotApprovedError = E('approval_not_approved', 400);
export const ApprovalAlreadyUsedError = E('approval_used', 409);
