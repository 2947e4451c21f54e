import assert from 'node:assert/strict';
import type { EnrolmentTicket } from '../../store/types.ts';
import { EnrolmentLinkInvalidError } from './errors.ts';
import * as flow from './flow.ts';

describe('enrolment link flow', () => {
  const t0 = 1_700_000_000_000;
  const ticket: EnrolmentTicket = {
    id: 'T'.repeat(22),
    secretHash: '0'.repeat(64),
    accountId: 'account-1',
    purpose: 'phone_change',
    recoveryRequestId: null,
    sentTo: null,
    createdAt: new Date(t0),
    expiresAt: flow.expiresAt(t0, 60),
  };

  it('expires the issuing flow\'s lifetime after it was issued', () => {
    assert.equal(ticket.expiresAt.getTime(), t0 + 60_000);
  });

  it('is live until its expiry by the clock, then expired', () => {
    assert.equal(flow.stateOf(ticket, t0 + 59_999), 'live');
    assert.equal(flow.stateOf(ticket, t0 + 60_000), 'expired');
    assert.equal(flow.requireLive(ticket, t0 + 59_999), ticket);
  });

  it('refuses an expired or unknown (used) ticket with one answer', () => {
    assert.throws(() => flow.requireLive(ticket, t0 + 60_000), EnrolmentLinkInvalidError);
    assert.throws(() => flow.requireLive(undefined, t0), EnrolmentLinkInvalidError);
  });

  it('only a live ticket moves on; used and expired are final', () => {
    assert.deepEqual(flow.TRANSITIONS.live, ['used', 'expired']);
    assert.deepEqual(flow.TRANSITIONS.used, []);
    assert.deepEqual(flow.TRANSITIONS.expired, []);
  });
});
