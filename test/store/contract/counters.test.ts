// Windowed counters (what the rate limits count on): windows, race-safety, expiry.
import assert from 'node:assert/strict';
import type { OneTimeCode } from '../../../src/store/types.ts';
import { assertRejectsWith, forEachStore, race, sha256, valuesOf, withTwoConnections } from './support.ts';

forEachStore('counters', (t) => {
  const code = (key: string, digits: string, expiresInMs = 600_000): OneTimeCode => ({
    key,
    codeHash: sha256(digits),
    target: 'alice@example.com',
    expiresAt: new Date(t.clock + expiresInMs),
  });

  it('counts hits per key, and issuing or consuming a one-time code under the same key does not reset the count', async () => {
    assert.equal(await t.store.counters.count('signup:u1'), 0);
    await t.store.oneTimeCodes.issue(code('signup:u1', '111111'));
    assert.equal(await t.store.counters.hit('signup:u1', 600), 1);
    assert.equal(await t.store.counters.hit('signup:u1', 600), 2);
    await t.store.oneTimeCodes.issue(code('signup:u1', '222222'));
    assert.equal(await t.store.counters.count('signup:u1'), 2);
    assert.equal(await t.store.counters.hit('signup:u1', 600), 3);
    assert.equal(await t.store.counters.count('signup:u1'), 3);
    // Consuming the code does not reset it either.
    assert.equal(await t.store.oneTimeCodes.consume('signup:u1', sha256('222222')), true);
    assert.equal(await t.store.counters.count('signup:u1'), 3);
    assert.equal(await t.store.counters.count('signup:u2'), 0);
    assert.equal(await t.store.counters.hit('signup:u2', 600), 1);
  });

  it('counts every one of 10 concurrent hits, each call getting its own count', async () => {
    for (let round = 0; round < 3; round += 1) {
      const key = `race-${round}`;
      const counts = valuesOf(await race(10, () => t.store.counters.hit(key, 600)));
      assert.deepEqual([...counts].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `round ${round}: ${counts.join(',')}`);
      assert.equal(await t.store.counters.count(key), 10);
      const more = valuesOf(await race(10, () => t.store.counters.hit(key, 600)));
      assert.deepEqual([...more].sort((a, b) => a - b), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      assert.equal(await t.store.counters.count(key), 20);
    }
  });

  it('keeps the window from the first hit, then starts over at 0', async () => {
    assert.equal(await t.store.counters.hit('k', 60), 1);
    t.clock += 30_000;
    assert.equal(await t.store.counters.hit('k', 60), 2);
    t.clock += 29_999;
    assert.equal(await t.store.counters.count('k'), 2);
    t.clock += 1;
    assert.equal(await t.store.counters.count('k'), 0, 'a later hit does not extend the window');
    assert.equal(await t.store.counters.hit('k', 60), 1);
    assert.equal(await t.store.counters.hit('k', 60), 2);
    t.clock += 59_999;
    assert.equal(await t.store.counters.count('k'), 2);
    t.clock += 1;
    assert.equal(await t.store.counters.count('k'), 0);
  });

  it('sweepExpired deletes ended windows', async () => {
    const start = t.clock;
    await t.store.counters.hit('k', 60);
    await t.store.counters.hit('k', 60);
    t.clock += 24 * 3600_000;
    assert.ok(await t.store.sweepExpired() >= 1);
    t.clock = start + 30_000;
    assert.equal(await t.store.counters.count('k'), 0, 'really deleted, not hidden');
    assert.equal(await t.store.counters.hit('k', 60), 1);
  });

  it('refuses a window that is not a positive number of seconds', async () => {
    for (const windowSeconds of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assertRejectsWith(t.store.counters.hit('k', windowSeconds), RangeError);
    }
    assert.equal(await t.store.counters.count('k'), 0);
  });

  it('gives 20 concurrent hits the counts 1 to 20, each exactly once', async () => {
    const results = await race(20, () => t.store.counters.hit('swarm', 3600));
    assert.ok(results.every((result) => result.status === 'fulfilled'), 'no hit failed');
    assert.deepEqual(valuesOf(results).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(await t.store.counters.count('swarm'), 20);
  });

  it('opens a new window with the first hit after the old one ended, also when hits race at the rollover', async () => {
    assert.deepEqual(valuesOf(await race(5, () => t.store.counters.hit('k', 60))).sort((a, b) => a - b), [1, 2, 3, 4, 5]);
    t.clock += 60_000;
    assert.equal(await t.store.counters.count('k'), 0);
    assert.deepEqual(valuesOf(await race(5, () => t.store.counters.hit('k', 60))).sort((a, b) => a - b), [1, 2, 3, 4, 5], 'the new window counts from 1, once each');
    t.clock += 59_999;
    assert.equal(await t.store.counters.hit('k', 60), 6, 'still the window the first racer opened');
  });

  it('keeps keys apart and takes the window of the hit that opened it', async () => {
    assert.equal(await t.store.counters.hit('a', 60), 1);
    assert.equal(await t.store.counters.hit('a:b', 600), 1, 'a key that extends another is a key of its own');
    t.clock += 60_000;
    assert.equal(await t.store.counters.count('a'), 0);
    assert.equal(await t.store.counters.count('a:b'), 1);
    assert.equal(await t.store.counters.hit('a:b', 1), 2, 'a later hit with another window does not change the open one');
    t.clock += 539_999;
    assert.equal(await t.store.counters.count('a:b'), 2);
    t.clock += 1;
    assert.equal(await t.store.counters.count('a:b'), 0);
  });
});

describe('store contract (mongo, two connections): counters', () => {
  it('counts every hit across two connections', async () => {
    await withTwoConnections(async (_a, b, either) => {
      for (let round = 0; round < 3; round += 1) {
        const key = `race-${round}`;
        const counts = valuesOf(await race(10, (i) => either(i).counters.hit(key, 600)));
        assert.deepEqual([...counts].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `round ${round}: hits`);
        assert.equal(await b.counters.count(key), 10);
      }
    });
  });

  it('gives 20 hits racing over two connections the counts 1 to 20, each exactly once', async () => {
    await withTwoConnections(async (_a, b, either) => {
      const counts = valuesOf(await race(20, (i) => either(i).counters.hit('swarm', 3600)));
      assert.deepEqual([...counts].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.equal(await b.counters.count('swarm'), 20);
    });
  });
});
