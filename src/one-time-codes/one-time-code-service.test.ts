// One-time codes on the memory store with a fake clock: six digits, single use, short-lived, and an
// attempt limit per window that asking for a new code does not reset.
import assert from 'node:assert/strict';
import { createMemoryStore } from '../store/memory/index.ts';
import { RateLimiter } from '../limits/rate-limiter.ts';
import { OneTimeCodeService } from './one-time-code-service.ts';

const POLICY = { ttlSeconds: 600, maxAttempts: 3, attemptWindowSeconds: 3600 };
const PUSH = { denialLimit: 3, denialWindowSeconds: 3600, maxPending: 3, maxPerHour: 10, wrongNumberPauseSeconds: 3600 };
const START = Date.UTC(2026, 0, 1, 9, 0, 0);

function refusedWith(code: string): (err: unknown) => boolean {
  return (err) => (err as { code?: unknown }).code === code;
}

/** A six-digit code that is not `code`. */
function wrong(code: string): string {
  return code === '000000' ? '000001' : '000000';
}

describe('one-time codes', () => {
  let clock: number;
  let store: ReturnType<typeof createMemoryStore>;
  let codes: OneTimeCodeService;

  beforeEach(() => {
    clock = START;
    store = createMemoryStore({ now: () => clock });
    codes = new OneTimeCodeService(store.oneTimeCodes, new RateLimiter(store.counters, { oneTimeCode: POLICY, push: PUSH }), POLICY, () => clock);
  });

  it('issues six digits and accepts them once, answering where the code was sent', async () => {
    const code = await codes.issue('signup:mina@example.com', 'mina@example.com');
    assert.match(code, /^\d{6}$/);
    assert.equal(await codes.verify('signup:mina@example.com', code), 'mina@example.com');
    await assert.rejects(codes.verify('signup:mina@example.com', code), refusedWith('code_expired'));
  });

  it('accepts a code typed with spaces', async () => {
    const code = await codes.issue('k', 'mina@example.com');
    assert.equal(await codes.verify('k', ` ${code.slice(0, 3)} ${code.slice(3)} `), 'mina@example.com');
  });

  it('keeps only a hash of the code', async () => {
    const code = await codes.issue('k', 'mina@example.com');
    const stored = await store.oneTimeCodes.find('k');
    assert.ok(stored);
    assert.ok(!JSON.stringify(stored).includes(code), 'the code itself is not stored');
  });

  it('lives for the ttl: accepted a second before it ends, refused as expired after', async () => {
    const first = await codes.issue('early', 'mina@example.com');
    clock += (POLICY.ttlSeconds - 1) * 1000;
    assert.equal(await codes.verify('early', first), 'mina@example.com');
    clock = START;
    const second = await codes.issue('late', 'mina@example.com');
    clock += (POLICY.ttlSeconds + 1) * 1000;
    await assert.rejects(codes.verify('late', second), refusedWith('code_expired'));
  });

  it('rounds the ttl up to whole minutes for the mail that says how long the code lives', () => {
    assert.equal(codes.ttlMinutes, 10);
    assert.equal(new OneTimeCodeService(store.oneTimeCodes, new RateLimiter(store.counters, { oneTimeCode: POLICY, push: PUSH }), { ...POLICY, ttlSeconds: 61 }).ttlMinutes, 2);
  });

  it('a new code replaces the old one', async () => {
    const old = await codes.issue('k', 'mina@example.com');
    let fresh = await codes.issue('k', 'mina@example.com');
    while (fresh === old) fresh = await codes.issue('k', 'mina@example.com');
    await assert.rejects(codes.verify('k', old), refusedWith('code_invalid'));
    assert.equal(await codes.verify('k', fresh), 'mina@example.com');
  });

  it('a code is bound to its key: the code of one key does not open another', async () => {
    const mina = await codes.issue('reset:mina', 'mina@example.com');
    const ken = await codes.issue('reset:ken', 'ken@example.com');
    if (mina !== ken) await assert.rejects(codes.verify('reset:ken', mina), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('reset:nobody', mina), refusedWith('code_expired'));
  });

  it('after the limit of wrong tries even the right code is refused, and no new code is issued, until the window has passed', async () => {
    const code = await codes.issue('k', 'mina@example.com');
    await assert.rejects(codes.verify('k', wrong(code)), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('k', 'not a code'), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('k', wrong(code)), refusedWith('too_many_attempts'), 'the last allowed try says the limit is reached');
    await assert.rejects(codes.verify('k', code), refusedWith('too_many_attempts'));
    await assert.rejects(codes.issue('k', 'mina@example.com'), refusedWith('too_many_attempts'));
    assert.ok(await store.oneTimeCodes.find('k'), 'the right code was never used');

    clock += (POLICY.attemptWindowSeconds + 1) * 1000;
    const next = await codes.issue('k', 'mina@example.com');
    assert.equal(await codes.verify('k', next), 'mina@example.com');
  });

  it('the right code counts as a try too: the limit is on tries per window', async () => {
    const first = await codes.issue('k', 'mina@example.com');
    await assert.rejects(codes.verify('k', wrong(first)), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('k', wrong(first)), refusedWith('code_invalid'));
    assert.equal(await codes.verify('k', first), 'mina@example.com');
    await assert.rejects(codes.issue('k', 'mina@example.com'), refusedWith('too_many_attempts'));
  });

  it('a wider attempts key shares one limit between several codes (both codes of a phone change)', async () => {
    const email = await codes.issue('change:email', 'mina@example.com', 'change:mina');
    const mobile = await codes.issue('change:mobile', '+819012345678', 'change:mina');
    await assert.rejects(codes.verify('change:email', wrong(email), 'change:mina'), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('change:mobile', wrong(mobile), 'change:mina'), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('change:email', wrong(email), 'change:mina'), refusedWith('too_many_attempts'));
    await assert.rejects(codes.verify('change:mobile', mobile, 'change:mina'), refusedWith('too_many_attempts'));
    // Each code's own key was never counted: another flow under it is not locked out.
    assert.equal(await codes.verify('change:mobile', mobile), '+819012345678');
  });

  it('a try at an expired code is not counted against the limit', async () => {
    const code = await codes.issue('k', 'mina@example.com');
    clock += (POLICY.ttlSeconds + 1) * 1000;
    for (let i = 0; i < POLICY.maxAttempts + 2; i += 1) await assert.rejects(codes.verify('k', code), refusedWith('code_expired'));
    const next = await codes.issue('k', 'mina@example.com');
    assert.equal(await codes.verify('k', next), 'mina@example.com');
  });
});
