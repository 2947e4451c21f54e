import assert from 'node:assert/strict';
import { PhoneChangeStepError } from './errors.ts';
import * as flow from './flow.ts';

describe('phone change flow', () => {
  const t0 = 1_700_000_000_000;
  const id = 'A'.repeat(22);
  const emailDigest = 'e'.repeat(64);
  const mobileDigest = 'f'.repeat(64);
  const attempt = flow.started(id, 'alice@example.com', t0, 10);
  const refused = (run: () => unknown): void => assert.throws(run, PhoneChangeStepError);

  it('codes_sent: lives 5 minutes longer than its codes', () => {
    assert.deepEqual(attempt, { step: 'codes_sent', id, account: 'alice@example.com', confirmed: {}, exp: t0 + 15 * 60_000 });
    assert.equal(flow.attemptLifetimeMs(10), 15 * 60_000);
    assert.equal(flow.remainingMs(attempt, t0 + 60_000), 14 * 60_000);
  });

  it('refuses an attempt past its deadline by the clock', () => {
    assert.equal(flow.requireOpen(attempt, attempt.exp - 1), attempt);
    refused(() => flow.requireOpen(attempt, attempt.exp));
  });

  it('codes_sent → partly_confirmed with either code first', () => {
    const byMail = flow.confirm(attempt, 'email', emailDigest);
    assert.deepEqual(byMail, { step: 'partly_confirmed', id, account: 'alice@example.com', exp: attempt.exp, confirmed: { email: emailDigest } });
    const bySms = flow.confirm(attempt, 'mobile', mobileDigest);
    assert.deepEqual(bySms.confirmed, { mobile: mobileDigest });
    assert.equal(flow.isConfirmed(bySms, 'mobile'), true);
    assert.equal(flow.isConfirmed(bySms, 'email'), false);
  });

  it('partly_confirmed → confirmed with the other code', () => {
    const half = flow.confirm(attempt, 'mobile', mobileDigest);
    assert.equal(half.step, 'partly_confirmed');
    if (half.step !== 'partly_confirmed') return;
    const both = flow.confirm(half, 'email', emailDigest);
    assert.deepEqual(both, { step: 'confirmed', id, account: 'alice@example.com', exp: attempt.exp, confirmed: { email: emailDigest, mobile: mobileDigest } });
  });

  it('refuses confirming the same code twice', () => {
    const half = flow.confirm(attempt, 'email', emailDigest);
    if (half.step !== 'partly_confirmed') assert.fail('one code confirms half');
    refused(() => flow.confirm(half, 'email', emailDigest));
  });

  it('the cookie holds only an open attempt: never a confirmed one, never a forged mix', () => {
    const schema = flow.attemptSchema;
    const half = flow.confirm(attempt, 'email', emailDigest);
    assert.equal(schema.safeParse(attempt).success, true);
    assert.equal(schema.safeParse(half).success, true);
    assert.equal(schema.safeParse({ ...attempt, step: 'confirmed', confirmed: { email: emailDigest, mobile: mobileDigest } }).success, false);
    assert.equal(schema.safeParse({ ...attempt, step: 'partly_confirmed', confirmed: { email: emailDigest, mobile: mobileDigest } }).success, false);
    assert.equal(schema.safeParse({ ...attempt, confirmed: { email: emailDigest } }).success, false, 'codes_sent with a confirmation');
    assert.equal(schema.safeParse({ ...attempt, id: 'short' }).success, false);
  });
});
