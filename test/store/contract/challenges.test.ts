// WebAuthn challenges: handed out once, replaced under the same key, expired on read.
import assert from 'node:assert/strict';
import type { StoredChallenge } from '../../../src/store/types.ts';
import { forEachStore, race, valuesOf, withTwoConnections } from './support.ts';

forEachStore('challenges', (t) => {
  const challenge = (key: string, value: string, expiresInMs = 60_000, accountId: string | null = null): StoredChallenge => ({
    key,
    challenge: value,
    accountId,
    expiresAt: new Date(t.clock + expiresInMs),
  });

  it('hands a challenge out once', async () => {
    await t.store.challenges.put(challenge('authn:interaction:u1', 'c-1', 60_000, 'acc-1'));
    await t.store.challenges.put(challenge('authn:interaction:u2', 'c-2'));
    assert.deepEqual(await t.store.challenges.take('authn:interaction:u1'), challenge('authn:interaction:u1', 'c-1', 60_000, 'acc-1'));
    assert.equal(await t.store.challenges.take('authn:interaction:u1'), undefined);
    assert.deepEqual(await t.store.challenges.take('authn:interaction:u2'), challenge('authn:interaction:u2', 'c-2'));
    assert.equal(await t.store.challenges.take('unknown'), undefined);
  });

  it('replaces the challenge under the same key', async () => {
    await t.store.challenges.put(challenge('reg:acc-1', 'old', 60_000, 'acc-1'));
    await t.store.challenges.put(challenge('reg:acc-1', 'new', 120_000, null));
    assert.deepEqual(await t.store.challenges.take('reg:acc-1'), challenge('reg:acc-1', 'new', 120_000, null));
    assert.equal(await t.store.challenges.take('reg:acc-1'), undefined);
    // Taken, then put again: a new challenge to take.
    await t.store.challenges.put(challenge('reg:acc-1', 'newest'));
    assert.equal((await t.store.challenges.take('reg:acc-1'))?.challenge, 'newest');
  });

  it('does not hand out an expired challenge, and sweepExpired deletes it', async () => {
    await t.store.challenges.put(challenge('k1', 'short', 60_000));
    await t.store.challenges.put(challenge('k2', 'long', 600_000));
    t.clock += 59_999;
    await t.store.challenges.put(challenge('k3', 'live', 1));
    t.clock += 1;
    assert.equal(await t.store.challenges.take('k1'), undefined);
    assert.equal(await t.store.challenges.take('k3'), undefined);
    assert.equal(await t.store.sweepExpired(), 2);
    t.clock -= 30_000;
    assert.equal(await t.store.challenges.take('k1'), undefined, 'really deleted, not hidden');
    assert.equal((await t.store.challenges.take('k2'))?.challenge, 'long');
  });

  it('hands a challenge to exactly one of 10 concurrent takes', async () => {
    for (let round = 0; round < 5; round += 1) {
      const key = `race-${round}`;
      await t.store.challenges.put(challenge(key, `c-${round}`));
      const results = valuesOf(await race(10, () => t.store.challenges.take(key)));
      const taken = results.filter((result) => result !== undefined);
      assert.equal(taken.length, 1, `round ${round}: ${taken.length} takes got the challenge`);
      assert.deepEqual(taken[0], challenge(key, `c-${round}`));
    }
  });
});

describe('store contract (mongo, two connections): challenges', () => {
  it('hands a challenge out once across two connections', async () => {
    await withTwoConnections(async (a, _b, either) => {
      for (let round = 0; round < 3; round += 1) {
        const key = `race-${round}`;
        const expiresAt = new Date(Date.now() + 60_000);
        await a.challenges.put({ key, challenge: `c-${round}`, accountId: null, expiresAt });
        const taken = valuesOf(await race(10, (i) => either(i).challenges.take(key)));
        assert.equal(taken.filter((result) => result !== undefined).length, 1, `round ${round}: challenge`);
      }
    });
  });
});
