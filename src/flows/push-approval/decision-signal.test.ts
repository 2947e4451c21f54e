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
