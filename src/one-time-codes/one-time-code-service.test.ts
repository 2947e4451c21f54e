// One-time codes on the memory store with a fake clock: six digits, single use, short-lived, and a
// limit on wrong tries per issued code: after it that code is used up, and a new one works (so a
// stranger's wrong codes lock nobody out).
import assert from 'node:assert/strict';
import { createMemoryStore } from '../store/memory/index.ts';
import { RateLimiter } from '../limits/rate-limiter.ts';
import { OneTimeCodeService } from './one-time-code-service.ts';

const POLICY = { ttlSeconds: 600, maxAttempts: 3, attemptWindowSeconds: 3600 };
const SETTINGS = { oneTimeCode: POLICY, push: { denialLimit: 3, denialWindowSeconds: 3600, maxPending: 3, maxPerHour: 10, wrongNumberPauseSeconds: 3600 } };
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
    codes = new OneTimeCodeService(store.oneTimeCodes, new RateLimiter(store.counters, SETTINGS, () => clock), POLICY, () => clock);
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
    assert.equal(new OneTimeCodeService(store.oneTimeCodes, new RateLimiter(store.counters, SETTINGS, () => clock), { ...POLICY, ttlSeconds: 61 }).ttlMinutes, 2);
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

  it('after the limit of wrong tries that code is refused even when right; a new code for the same key works at once', async () => {
    const code = await codes.issue('k', 'mina@example.com');
    await assert.rejects(codes.verify('k', wrong(code)), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('k', 'not a code'), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('k', wrong(code)), refusedWith('too_many_attempts'), 'the last allowed try says the code is used up');
    await assert.rejects(codes.verify('k', code), refusedWith('too_many_attempts'));
    // No lock-out: the owner asks for a new code and uses it, no window to wait for.
    const next = await codes.issue('k', 'mina@example.com');
    assert.equal(await codes.verify('k', next), 'mina@example.com');
  });

  it('the right code counts as a try too: the limit is on tries per code', async () => {
    const first = await codes.issue('k', 'mina@example.com');
    await assert.rejects(codes.verify('k', wrong(first)), refusedWith('code_invalid'));
    await assert.rejects(codes.verify('k', wrong(first)), refusedWith('code_invalid'));
    assert.equal(await codes.verify('k', first), 'mina@example.com');
  });

  it('with several live codes (one per key of a list), each takes its own tries and either one is accepted', async () => {
    const keys = ['reset:mina:0', 'reset:mina:1'];
    const a = await codes.issue('reset:mina:0', 'mina@example.com');
    const b = await codes.issue('reset:mina:1', 'mina@example.com');
    const neither = ['000000', '000001', '000002'].find((guess) => guess !== a && guess !== b) ?? '000003';
    await assert.rejects(codes.verify(keys, neither), refusedWith('code_invalid'));
    assert.equal(await codes.verify(keys, b), 'mina@example.com');
    assert.equal(await codes.verify(keys, a), 'mina@example.com');
    await assert.rejects(codes.verify(keys, a), refusedWith('code_expired'));
  });

  it('runs beforeUse only for a right code, and keeps the code when it refuses', async () => {
    const code = await codes.issue('k', 'mina@example.com');
    let ran = 0;
    const refuse = async (): Promise<void> => {
      ran += 1;
      throw new Error('refused by the caller');
    };
    await assert.rejects(codes.verify('k', wrong(code), { beforeUse: refuse }), refusedWith('code_invalid'));
    assert.equal(ran, 0, 'not for a wrong code');
    await assert.rejects(codes.verify('k', code, { beforeUse: refuse }), /refused by the caller/);
    assert.equal(ran, 1);
    assert.equal(await codes.verify('k', code), 'mina@example.com', 'the code stayed');
  });

  it('the tries a refusal in beforeUse took are counted: it cannot be repeated for free', async () => {
    const code = await codes.issue('k', 'mina@example.com');
    const refuse = async (): Promise<void> => {
      throw new Error('weak');
    };
    for (let i = 0; i < POLICY.maxAttempts; i += 1) await assert.rejects(codes.verify('k', code, { beforeUse: refuse }), /weak/);
    await assert.rejects(codes.verify('k', code, { beforeUse: refuse }), refusedWith('too_many_attempts'));
  });

  it('a try at an expired code is not counted against the limit', async () => {
    const code = await codes.issue('k', 'mina@example.com');
    clock += (POLICY.ttlSeconds + 1) * 1000;
    for (let i = 0; i < POLICY.maxAttempts + 2; i += 1) await assert.rejects(codes.verify('k', code), refusedWith('code_expired'));
    const next = await codes.issue('k', 'mina@example.com');
    assert.equal(await codes.verify('k', next), 'mina@example.com');
  });
});
