import assert from 'node:assert/strict';
import type { PhoneHandoff } from '../../store/types.ts';
import { PhoneHandoffInvalidError } from './errors.ts';
import * as flow from './flow.ts';

describe('phone set-up hand-off flow', () => {
  const t0 = 1_700_000_000_000;
  const waiting = flow.started({ id: 'H'.repeat(22), code: 'BCDFGHJK', accountId: 'account-1', pcSessionUid: 'pc-1', now: t0, ttlSeconds: 300 });
  const claimed: PhoneHandoff = { ...waiting, status: 'claimed', phoneKeyHash: flow.phoneKeyHash('phone-key'), enrolmentTicketId: 'ticket-1' };
  const completed: PhoneHandoff = { ...claimed, status: 'completed', deviceName: 'Pixel', expiresAt: new Date(t0 + 300_000 + flow.COMPLETED_VISIBLE_MS) };

  it('starts waiting, with only the code\'s hash, expiring after the configured lifetime', () => {
    assert.equal(waiting.status, 'waiting');
    assert.equal(waiting.expiresAt.getTime(), t0 + 300_000);
    assert.equal(waiting.codeHash, flow.codeHash('BCDFGHJK'));
    assert.ok(!JSON.stringify(waiting).includes('BCDFGHJK'), 'the code itself is not stored');
    assert.equal(waiting.phoneKeyHash, null);
  });

  it('is waiting, claimed or completed by the record, expired by the clock (and when gone)', () => {
    assert.equal(flow.stateOf(waiting, t0 + 299_999), 'waiting');
    assert.equal(flow.stateOf(waiting, t0 + 300_000), 'expired');
    assert.equal(flow.stateOf(claimed, t0 + 1), 'claimed');
    assert.equal(flow.stateOf(claimed, t0 + 300_000), 'expired');
    assert.equal(flow.stateOf(completed, t0 + 300_000), 'completed');
    const refused: PhoneHandoff = { ...claimed, status: 'refused' };
    assert.equal(flow.stateOf(refused, t0 + 1), 'refused');
    assert.throws(() => flow.requireClaimedBy(refused, 'anything', t0 + 1), PhoneHandoffInvalidError, 'a refused hand-off goes no further');
    assert.equal(flow.stateOf(undefined, t0), 'expired');
  });

  it('lets a phone claim only a waiting hand-off, with one refusal for every other case', () => {
    assert.equal(flow.requireWaiting(waiting, t0), waiting);
    for (const [handoff, at] of [[waiting, t0 + 300_000], [claimed, t0], [completed, t0], [undefined, t0]] as const) {
      assert.throws(() => flow.requireWaiting(handoff, at), PhoneHandoffInvalidError);
    }
  });

  it('lets only the phone that claimed it finish, before it expires', () => {
    assert.equal(flow.requireClaimedBy(claimed, 'phone-key', t0), claimed);
    assert.throws(() => flow.requireClaimedBy(claimed, 'another-phone', t0), PhoneHandoffInvalidError);
    assert.throws(() => flow.requireClaimedBy(claimed, 'phone-key', t0 + 300_000), PhoneHandoffInvalidError);
    assert.throws(() => flow.requireClaimedBy(waiting, 'phone-key', t0), PhoneHandoffInvalidError);
    assert.throws(() => flow.requireClaimedBy(completed, 'phone-key', t0), PhoneHandoffInvalidError);
  });

  it('shows the PC that made it its state (and the phone\'s name once ready); any other session sees it expired', () => {
    const pc = { accountId: 'account-1', sessionUid: 'pc-1' };
    assert.deepEqual(flow.pcView(waiting, pc, t0), { state: 'waiting', deviceName: null });
    assert.deepEqual(flow.pcView(claimed, pc, t0), { state: 'claimed', deviceName: null });
    assert.deepEqual(flow.pcView(completed, pc, t0 + 400_000), { state: 'completed', deviceName: 'Pixel' });
    assert.deepEqual(flow.pcView(completed, { ...pc, sessionUid: 'pc-2' }, t0), { state: 'expired', deviceName: null });
    assert.deepEqual(flow.pcView(completed, { ...pc, accountId: 'account-2' }, t0), { state: 'expired', deviceName: null });
    assert.deepEqual(flow.pcView(undefined, pc, t0), { state: 'expired', deviceName: null });
  });

  it('codes: eight letters of the base-20 alphabet, typed in any case with spaces or a dash', () => {
    for (let i = 0; i < 50; i += 1) {
      const code = flow.newCode();
      assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      assert.equal(flow.normaliseCode(flow.formatCode(code).toLowerCase()), code);
    }
    assert.equal(flow.formatCode('BCDFGHJK'), 'BCDF-GHJK');
    assert.equal(flow.normaliseCode(' bcdf ghjk '), 'BCDFGHJK');
    for (const bad of ['', 'BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH', '1234-5678', 'BCDF_GHJK']) assert.equal(flow.normaliseCode(bad), undefined, bad);
  });

  it('only moves forward: waiting → claimed → completed or refused; completed, refused and expired are final', () => {
    assert.deepEqual(flow.TRANSITIONS.waiting, ['claimed', 'expired']);
    assert.deepEqual(flow.TRANSITIONS.claimed, ['completed', 'refused', 'expired']);
    assert.deepEqual(flow.TRANSITIONS.completed, []);
    assert.deepEqual(flow.TRANSITIONS.refused, []);
    assert.deepEqual(flow.TRANSITIONS.expired, []);
  });
});
