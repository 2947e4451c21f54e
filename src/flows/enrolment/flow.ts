// An enrolment link as a flow: live → used (its passkey was registered), or expired while live.
// Opening the link changes nothing (mail scanners fetch links). The state lives in the ticket record;
// the store hides used and expired tickets and makes "use" race-safe (one registration wins); the
// rules on the ticket are here.
//
// Expiry is chosen by purpose, from settings: a recovery link lives recovery.enrolmentLinkTtlSeconds
// (a day by default), a phone change's link recovery.phoneChangeTtlSeconds (15 minutes); the
// issuing flow passes it.
import type { EnrolmentTicket } from '../../store/types.ts';
import { EnrolmentLinkInvalidError } from './errors.ts';

/** The ticket's states. Only `live` is ever read back: the store answers nothing for the others. */
export type EnrolmentTicketState = 'live' | 'used' | 'expired';

/** The allowed transitions: a live ticket is used once, or runs out. */
export const TRANSITIONS: Readonly<Record<EnrolmentTicketState, readonly EnrolmentTicketState[]>> = {
  live: ['used', 'expired'],
  used: [],
  expired: [],
};

export function expiresAt(now: number, ttlSeconds: number): Date {
  return new Date(now + ttlSeconds * 1000);
}

/** The state of a ticket the store handed back (so not used), by tobira's clock. */
export function stateOf(ticket: EnrolmentTicket, now: number): EnrolmentTicketState {
  return ticket.expiresAt.getTime() <= now ? 'expired' : 'live';
}

/**
 * The ticket, when it is live. The store checks expiry with its own clock; tobira's clock decides
 * too. One refusal for every way it is not, so a guesser learns nothing.
 */
export function requireLive(ticket: EnrolmentTicket | undefined, now: number): EnrolmentTicket {
  if (!ticket || stateOf(ticket, now) !== 'live') throw new EnrolmentLinkInvalidError();
  return ticket;
}
