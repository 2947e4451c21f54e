// The rate limiter on the memory counters with a fake clock: caps, windows and their rollover, and
// caps and windows read from settings where the table says so.
import assert from 'node:assert/strict';
import { MemoryCounters } from '../store/memory/counters.ts';
import { LIMITS } from './limits.ts';
import type { LimitSettings } from './limits.ts';
import { RateLimiter } from './rate-limiter.ts';

const SETTINGS: LimitSettings = {
  oneTimeCode: { ttlSeconds: 600, maxAttempts: 5, attemptWindowSeconds: 900 },
  push: { denialLimit: 3, denialWindowSeconds: 600, maxPending: 2, maxPerHour: 7, wrongNumberPauseSeconds: 900 },
};

describe('rate limiter', () => {
  let clock: number;
  let limiter: RateLimiter;

  beforeEach(() => {
    clock = Date.UTC(2026, 0, 1);
    limiter = new RateLimiter(new MemoryCounters(() => clock), SETTINGS, () => clock);
  });

  it('allows up to the cap in a window: the cap-th hit reaches it, the next goes over', async () => {
    const hits = [];
    for (let i = 0; i < 12; i += 1) hits.push(await limiter.hit('contactCodes', 'email:acc-1'));
    assert.deepEqual(hits.map((hit) => hit.count), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.ok(hits.every((hit) => hit.cap === 10));
    assert.deepEqual(hits.map((hit) => hit.over), [false, false, false, false, false, false, false, false, false, false, true, true]);
    assert.deepEqual(hits.map((hit) => hit.reached), [false, false, false, false, false, false, false, false, false, true, true, true]);
  });

  it('starts over when the window has passed, counted from its first hit', async () => {
    for (let i = 0; i < 4; i += 1) await limiter.hit('phoneChangeStarts', 'acc-1');
    clock += 3599_999;
    assert.equal((await limiter.hit('phoneChangeStarts', 'acc-1')).count, 5, 'later hits do not move the window');
    assert.equal((await limiter.hit('phoneChangeStarts', 'acc-1')).over, true);
    clock += 1;
    const fresh = await limiter.hit('phoneChangeStarts', 'acc-1');
    assert.deepEqual(fresh, { count: 1, cap: 5, over: false, reached: false });
  });

  it('counts each limit and each subject apart', async () => {
    for (let i = 0; i < 3; i += 1) await limiter.hit('recoveryRequests', 'alice@example.com');
    assert.equal((await limiter.hit('recoveryRequests', 'alice@example.com')).over, true);
    assert.equal((await limiter.hit('recoveryRequests', 'bob@example.com')).count, 1, 'another subject');
    assert.equal((await limiter.hit('phoneChangeStarts', 'alice@example.com')).count, 1, 'another limit, same subject');
    assert.equal((await limiter.hit('contactCodes', 'email:acc-1')).count, 1);
    assert.equal((await limiter.hit('contactCodes', 'mobile:acc-1')).count, 1);
  });

  it('reads configured caps and windows from the settings', async () => {
    assert.equal(limiter.cap('oneTimeCodeTries'), 5);
    assert.equal(limiter.cap('pushDenials'), 3);
    assert.equal(limiter.cap('pushPending'), 2);
    assert.equal(limiter.cap('pushRequests'), 7);
    assert.equal(limiter.cap('recoveryRequests'), LIMITS.recoveryRequests.cap);

    for (let i = 0; i < 2; i += 1) await limiter.hit('pushDenials', 'acc-1');
    clock += 599_999;
    assert.equal((await limiter.hit('pushDenials', 'acc-1')).reached, true, 'the third denial within push.denialWindowSeconds');
    clock += 1;
    assert.equal((await limiter.hit('pushDenials', 'acc-1')).count, 1, 'a window of push.denialWindowSeconds');

    await limiter.hit('oneTimeCodeTries', 'signup:u1');
    clock += 899_999;
    assert.equal((await limiter.hit('oneTimeCodeTries', 'signup:u1')).count, 2);
    clock += 900_000;
    assert.equal((await limiter.hit('oneTimeCodeTries', 'signup:u1')).count, 1, 'a window of oneTimeCode.attemptWindowSeconds');
  });

  it('tells whether the cap is reached without counting', async () => {
    assert.equal(await limiter.reached('oneTimeCodeTries', 'k'), false);
    for (let i = 0; i < 4; i += 1) await limiter.hit('oneTimeCodeTries', 'k');
    assert.equal(await limiter.reached('oneTimeCodeTries', 'k'), false);
    assert.equal(await limiter.reached('oneTimeCodeTries', 'k'), false, 'looking did not count');
    await limiter.hit('oneTimeCodeTries', 'k');
    assert.equal(await limiter.reached('oneTimeCodeTries', 'k'), true);
    clock += 900_000;
    assert.equal(await limiter.reached('oneTimeCodeTries', 'k'), false, 'the window ended');
  });

  it('gives hits racing in one window distinct counts, so exactly the first `cap` are within the limit', async () => {
    const hits = await Promise.all(Array.from({ length: 8 }, () => limiter.hit('recoveryRequests', 'alice@example.com')));
    assert.deepEqual(hits.map((hit) => hit.count).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(hits.filter((hit) => !hit.over).length, 3);
  });

  it('says how many seconds are left of a window (rounded up, 0 when none is open), and clear() ends it', async () => {
    assert.equal(await limiter.retryAfterSeconds('passwordTriesPerAccountMinute', 'a'), 0);
    for (let i = 0; i < 6; i += 1) await limiter.hit('passwordTriesPerAccountMinute', 'a');
    assert.equal(await limiter.retryAfterSeconds('passwordTriesPerAccountMinute', 'a'), 60);
    clock += 59_500;
    assert.equal(await limiter.retryAfterSeconds('passwordTriesPerAccountMinute', 'a'), 1);
    await limiter.clear('passwordTriesPerAccountMinute', 'a');
    assert.equal(await limiter.retryAfterSeconds('passwordTriesPerAccountMinute', 'a'), 0);
    assert.deepEqual(await limiter.hit('passwordTriesPerAccountMinute', 'a'), { count: 1, cap: 5, over: false, reached: false });
  });

  it('reads a window from the code lifetime where the table says so (the mail budgets)', async () => {
    for (let i = 0; i < 3; i += 1) await limiter.hit('resetMailsPerAddress', 'h');
    assert.equal((await limiter.hit('resetMailsPerAddress', 'h')).over, true);
    clock += 600_000;
    assert.equal((await limiter.hit('resetMailsPerAddress', 'h')).count, 1, 'a window of oneTimeCode.ttlSeconds');
  });
});
