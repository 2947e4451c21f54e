import assert from 'node:assert/strict';
import type { Approval, ApprovalStatus } from '../../store/types.ts';
import { ApprovalAlreadyDecidedError, ApprovalNotApprovedError, ApprovalNotFoundError } from './errors.ts';
import * as flow from './flow.ts';

describe('push approval flow', () => {
  const t0 = 1_700_000_000_000;
  const approval = (status: ApprovalStatus): Approval => ({
    id: 'P'.repeat(22),
    accountId: 'account-1',
    origin: { kind: 'browser', interactionUid: 'uid-1', browserHash: '0'.repeat(64) },
    matching: 'choose',
    number: '42',
    choices: ['17', '42', '93'],
    context: {},
    status,
    createdAt: new Date(t0),
    expiresAt: flow.expiresAt(t0, 120),
    decidedAt: null,
    decidedBy: null,
    userVerified: false,
  });
  const decision = (status: flow.Decision) => ({ status, at: new Date(t0 + 1_000), deviceId: 'device-1', userVerified: status === 'approved' });

  it('expires push.approvalTtlSeconds after it was made', () => {
    assert.equal(approval('pending').expiresAt.getTime(), t0 + 120_000);
    assert.equal(flow.isExpired(approval('pending'), t0 + 119_999), false);
    assert.equal(flow.isExpired(approval('pending'), t0 + 120_000), true);
  });

  it('an expired or unknown approval is not found, by the clock', () => {
    const live = approval('pending');
    assert.equal(flow.requireLive(live, t0 + 119_999), live);
    assert.throws(() => flow.requireLive(live, t0 + 120_000), ApprovalNotFoundError);
    assert.throws(() => flow.requireLive(undefined, t0), ApprovalNotFoundError);
  });

  it('pending → approved, denied, reported or withdrawn', () => {
    for (const status of ['approved', 'denied', 'reported', 'withdrawn'] as const) {
      assert.deepEqual(flow.decided(approval('pending'), decision(status)), decision(status));
    }
    assert.equal(flow.requirePending(approval('pending')).status, 'pending');
  });

  it('refuses deciding an approval already decided', () => {
    for (const from of ['approved', 'denied', 'reported', 'withdrawn'] as const) {
      assert.throws(() => flow.requirePending(approval(from)), ApprovalAlreadyDecidedError);
      for (const to of ['approved', 'denied', 'reported', 'withdrawn'] as const) assert.throws(() => flow.decided(approval(from), decision(to)), ApprovalAlreadyDecidedError);
    }
  });

  it('a sign-in finishes only with an approved approval', () => {
    assert.equal(flow.requireApproved(approval('approved')).status, 'approved');
    for (const status of ['pending', 'denied', 'reported', 'withdrawn'] as const) assert.throws(() => flow.requireApproved(approval(status)), ApprovalNotApprovedError);
  });
});
