// One-time codes: stored as a hash, replaced by a new issue, consumed once.
import assert from 'node:assert/strict';
import type { OneTimeCode } from '../../../src/store/types.ts';
import { forEachStore, race, sha256, valuesOf, withTwoConnections } from './support.ts';

forEachStore('one-time codes', (t) => {
  const code = (key: string, digits: string, expiresInMs = 600_000): OneTimeCode => ({
    key,
    codeHash: sha256(digits),
    target: 'alice@example.com',
    expiresAt: new Date(t.clock + expiresInMs),
  });

  it('finds the live code under its key, replaced by a new issue', async () => {
    await t.store.oneTimeCodes.issue(code('signup:u1', '123456'));
    assert.deepEqual(await t.store.oneTimeCodes.find('signup:u1'), code('signup:u1', '123456'));
    assert.equal(await t.store.oneTimeCodes.find('signup:u2'), undefined);
    await t.store.oneTimeCodes.issue(code('signup:u1', '654321', 300_000));
    assert.deepEqual(await t.store.oneTimeCodes.find('signup:u1'), code('signup:u1', '654321', 300_000));
    assert.equal(await t.store.oneTimeCodes.consume('signup:u1', sha256('123456')), false, 'the replaced code is dead');
    assert.equal(await t.store.oneTimeCodes.consume('signup:u1', sha256('654321')), true);
  });

  it('consumes only with the right hash, once', async () => {
    await t.store.oneTimeCodes.issue(code('signup:u1', '123456'));
    assert.equal(await t.store.oneTimeCodes.consume('signup:u1', sha256('000000')), false);
    assert.deepEqual(await t.store.oneTimeCodes.find('signup:u1'), code('signup:u1', '123456'), 'a wrong code leaves it in place');
    assert.equal(await t.store.oneTimeCodes.consume('signup:u2', sha256('123456')), false, 'another key');
    assert.equal(await t.store.oneTimeCodes.consume('signup:u1', sha256('123456')), true);
    assert.equal(await t.store.oneTimeCodes.find('signup:u1'), undefined);
    assert.equal(await t.store.oneTimeCodes.consume('signup:u1', sha256('123456')), false);
  });

  it('neither finds nor consumes an expired code, and sweepExpired deletes it', async () => {
    const long = code('k2', '222222', 600_000);
    await t.store.oneTimeCodes.issue(code('k1', '111111', 60_000));
    await t.store.oneTimeCodes.issue(long);
    t.clock += 60_000;
    assert.equal(await t.store.oneTimeCodes.find('k1'), undefined);
    assert.equal(await t.store.oneTimeCodes.consume('k1', sha256('111111')), false);
    assert.equal(await t.store.sweepExpired(), 1);
    t.clock -= 30_000;
    assert.equal(await t.store.oneTimeCodes.find('k1'), undefined, 'really deleted, not hidden');
    assert.deepEqual(await t.store.oneTimeCodes.find('k2'), long);
  });

  it('lets exactly one of 10 concurrent consumes win', async () => {
    for (let round = 0; round < 5; round += 1) {
      const key = `race-${round}`;
      await t.store.oneTimeCodes.issue(code(key, '424242'));
      const results = valuesOf(await race(10, () => t.store.oneTimeCodes.consume(key, sha256('424242'))));
      assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.filter(Boolean).length} consumes won`);
      assert.equal(await t.store.oneTimeCodes.find(key), undefined);
    }
  });
});

describe('store contract (mongo, two connections): one-time codes', () => {
  it('consumes a code once across two connections', async () => {
    await withTwoConnections(async (a, _b, either) => {
      for (let round = 0; round < 3; round += 1) {
        const key = `race-${round}`;
        const expiresAt = new Date(Date.now() + 60_000);
        await a.oneTimeCodes.issue({ key, codeHash: sha256('123456'), target: 'alice@example.com', expiresAt });
        const consumed = valuesOf(await race(10, (i) => either(i).oneTimeCodes.consume(key, sha256('123456'))));
        assert.equal(consumed.filter(Boolean).length, 1, `round ${round}: code`);
      }
    });
  });
});
