import assert from 'node:assert/strict';
import { DecisionSignal } from './decision-signal.ts';

describe('DecisionSignal (unit)', () => {
  it('ends every wait for that approval at once when it is decided here, and no other', async () => {
    const signal = new DecisionSignal();
    const started = performance.now();
    const ended: string[] = [];
    const waits = [
      signal.wait('a', 5_000).then(() => ended.push('a1')),
      signal.wait('a', 5_000).then(() => ended.push('a2')),
    ];
    const other = signal.wait('b', 50).then(() => ended.push('b'));
    signal.wake('a');
    await Promise.all(waits);
    assert.ok(performance.now() - started < 1_000);
    assert.deepEqual(ended, ['a1', 'a2']);
    await other;
    assert.equal(signal.size, 0, 'nothing kept once the waits end');
  });

  it('ends a wait after its time when nothing is decided, and a later wake finds nobody', async () => {
    const signal = new DecisionSignal();
    const started = performance.now();
    await signal.wait('a', 30);
    assert.ok(performance.now() - started >= 25);
    assert.equal(signal.size, 0);
    signal.wake('a');
  });
});

describe('DecisionSignal watching for decisions taken by other processes (unit)', () => {
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('wakes the waits of an approval once a read no longer finds it pending, one read per tick for all of them', async () => {
    const pending = new Set(['a', 'b']);
    const reads: string[][] = [];
    const signal = new DecisionSignal({ everyMs: 20, stillPending: async (ids) => { reads.push([...ids]); return new Set(ids.filter((id) => pending.has(id))); }, onError: () => assert.fail('no error expected') });
    const ended: string[] = [];
    const a = signal.wait('a', 5_000).then(() => ended.push('a'));
    const b = signal.wait('b', 300).then(() => ended.push('b'));
    await sleep(50);
    assert.deepEqual(ended, [], 'still pending: nobody woken');
    assert.ok(reads.length >= 1 && reads.every((ids) => ids.length === 2), `one read names every approval waited on: ${JSON.stringify(reads)}`);
    const decidedAt = performance.now();
    pending.delete('a');
    await a;
    assert.ok(performance.now() - decidedAt < 200, 'woken within a few ticks');
    await b;
    assert.deepEqual(ended, ['a', 'b']);
    const readsWhenIdle = reads.length;
    await sleep(80);
    assert.ok(reads.length <= readsWhenIdle + 1, 'no reads while nobody waits');
    assert.equal(signal.size, 0);
  });

  it('keeps watching after a failed read, and never starts a read while one is under way', async () => {
    const errors: unknown[] = [];
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const signal = new DecisionSignal({
      everyMs: 5,
      stillPending: async (ids) => {
        calls += 1;
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(30);
        inFlight -= 1;
        if (calls === 1) throw new Error('database away');
        return calls < 3 ? new Set(ids) : new Set();
      },
      onError: (err) => errors.push(err),
    });
    await signal.wait('a', 5_000);
    assert.equal(errors.length, 1);
    assert.equal(most, 1, 'reads do not overlap');
  });

  it('asks about at most 500 approvals per read, however many are waited on', async () => {
    const sizes: number[] = [];
    const signal = new DecisionSignal({ everyMs: 5, stillPending: async (ids) => { sizes.push(ids.length); return new Set(); }, onError: () => {} });
    await Promise.all(Array.from({ length: 600 }, (_, i) => signal.wait(`ap-${i}`, 2_000)));
    assert.ok(sizes.length >= 2 && sizes[0] === 500, `read sizes ${JSON.stringify(sizes)}`);
    assert.equal(signal.size, 0, 'every wait ended: the rest at the next read');
  });
});
