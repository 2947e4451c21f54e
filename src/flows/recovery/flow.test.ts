import assert from 'node:assert/strict';
import type { RecoveryRequest, RecoveryStatus } from '../../store/types.ts';
import { RecoveryNotCompletableError, RecoveryRequestDecidedError } from './errors.ts';
import * as flow from './flow.ts';

describe('recovery request flow', () => {
  const request = (status: RecoveryStatus, accountId: string | null = 'account-1'): RecoveryRequest => ({
    ...flow.filed({ id: 'a'.repeat(32), accountId, accountHint: 'alice@example.com', contactEmail: 'alice.private@example.com', contactMobile: '', message: '', ip: null, userAgent: null, createdAt: new Date(0) }),
    status,
  });

  it('a filed request is pending, undecided, with no link used and no clean-up', () => {
    const filed = request('pending');
    assert.equal(filed.status, 'pending');
    assert.deepEqual([filed.decidedAt, filed.decidedBy, filed.decisionNote, filed.enrolmentSentTo, filed.completedAt, filed.enrolment, filed.completion], [null, null, '', null, null, null, null]);
  });

  it('pending → approved | rejected; approved → completed; rejected and completed are final', () => {
    assert.deepEqual(flow.nextStates('pending'), ['approved', 'rejected']);
    assert.deepEqual(flow.nextStates('approved'), ['completed']);
    assert.deepEqual(flow.nextStates('rejected'), []);
    assert.deepEqual(flow.nextStates('completed'), []);
  });

  it('each transition is the store claim from its one source state', () => {
    assert.deepEqual(flow.transition('approved'), { from: 'pending', to: 'approved' });
    assert.deepEqual(flow.transition('rejected'), { from: 'pending', to: 'rejected' });
    assert.deepEqual(flow.transition('completed'), { from: 'approved', to: 'completed' });
  });

  it('only a pending request can be decided', () => {
    assert.equal(flow.requireDecidable(request('pending')).status, 'pending');
    for (const status of ['approved', 'rejected', 'completed'] as const) {
      assert.throws(() => flow.requireDecidable(request(status)), (err: unknown) => err instanceof RecoveryRequestDecidedError && err.messages.en.includes(`(it is ${status})`));
    }
  });

  it('only an approved request naming an account can be completed', () => {
    assert.equal(flow.requireCompletable(request('approved')).accountId, 'account-1');
    assert.throws(() => flow.requireCompletable(request('approved', null)), RecoveryNotCompletableError);
    for (const status of ['pending', 'rejected', 'completed'] as const) assert.throws(() => flow.requireCompletable(request(status)), RecoveryNotCompletableError);
  });
});
