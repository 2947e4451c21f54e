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
  it('tells the open window: its count and when it ends; nothing once it ended', async () => {
    assert.equal(await t.store.counters.window('w'), undefined);
    const start = t.clock;
    await t.store.counters.hit('w', 60);
    t.clock += 10_000;
    await t.store.counters.hit('w', 60);
    const open = await t.store.counters.window('w');
    assert.ok(open);
    assert.equal(open.count, 2);
    assert.equal(open.endsAt.getTime(), start + 60_000);
    t.clock = start + 60_000;
    assert.equal(await t.store.counters.window('w'), undefined);
  });

  it('clear() forgets the open window: the count reads 0 and the next hit opens a new window at 1', async () => {
    for (let i = 0; i < 4; i += 1) await t.store.counters.hit('c', 600);
    await t.store.counters.clear('c');
    assert.equal(await t.store.counters.count('c'), 0);
    assert.equal(await t.store.counters.window('c'), undefined);
    const reopened = t.clock;
    t.clock += 1_000;
    assert.equal(await t.store.counters.hit('c', 600), 1);
    assert.equal(await t.store.counters.hit('c', 600), 2);
    assert.equal((await t.store.counters.window('c'))?.endsAt.getTime(), reopened + 1_000 + 600_000, 'the new window runs from its own first hit');
    await t.store.counters.clear('nothing-here');
    assert.equal(await t.store.counters.count('nothing-here'), 0, 'clearing a key without hits is harmless');
    assert.equal(await t.store.counters.hit('other', 600), 1, 'other keys untouched');
  });

  it('hits racing with a clear are each counted once, before it (forgotten) or after it (counted from 1)', async () => {
    for (let i = 0; i < 3; i += 1) await t.store.counters.hit('rc', 600);
    const results = await Promise.allSettled([
      ...Array.from({ length: 6 }, () => t.store.counters.hit('rc', 600)),
      t.store.counters.clear('rc'),
      ...Array.from({ length: 6 }, () => t.store.counters.hit('rc', 600)),
    ]);
    assert.ok(results.every((r) => r.status === 'fulfilled'), 'nothing failed');
    const counts = results.flatMap((r) => r.status === 'fulfilled' && typeof r.value === 'number' ? [r.value] : []);
    const now = await t.store.counters.count('rc');
    // k hits landed before the clear (counted 4, 5, ... and forgotten), the other 12 - k after it
    // (counted 1, 2, ..., and the count now).
    const k = 12 - now;
    const expected = [...Array.from({ length: k }, (_, i) => i + 4), ...Array.from({ length: now }, (_, i) => i + 1)].sort((a, b) => a - b);
    assert.deepEqual([...counts].sort((a, b) => a - b), expected, `counts ${counts.join(',')}, now ${now}`);
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

  it('clears across two connections: a clear on one is seen by the other, and hits after it count from 1', async () => {
    await withTwoConnections(async (a, b, either) => {
      valuesOf(await race(8, (i) => either(i).counters.hit('pw', 600)));
      assert.equal(await b.counters.count('pw'), 8);
      await a.counters.clear('pw');
      assert.equal(await b.counters.count('pw'), 0);
      const counts = valuesOf(await race(6, (i) => either(i).counters.hit('pw', 600)));
      assert.deepEqual([...counts].sort((x, y) => x - y), [1, 2, 3, 4, 5, 6]);
      assert.equal((await a.counters.window('pw'))?.count, 6);
    });
  });
});
