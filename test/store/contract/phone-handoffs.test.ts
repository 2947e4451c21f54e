// Phone set-up hand-offs: claimed by one phone, completed by that phone only, expired on read.
import assert from 'node:assert/strict';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import type { PhoneHandoff } from '../../../src/store/types.ts';
import { forEachStore, race, sha256, valuesOf, withTwoConnections } from './support.ts';

function handoffAt(clock: number, id: string, overrides: Partial<PhoneHandoff> = {}): PhoneHandoff {
  return {
    id,
    codeHash: sha256(`code-of-${id}`),
    accountId: 'acc-1',
    pcSessionUid: 'pc-session-1',
    status: 'waiting',
    phoneKeyHash: null,
    enrolmentTicketId: null,
    deviceName: null,
    createdAt: new Date(clock),
    expiresAt: new Date(clock + 600_000),
    ...overrides,
  };
}

forEachStore('phone hand-offs', (t) => {
  const handoff = (id: string, overrides: Partial<PhoneHandoff> = {}): PhoneHandoff => handoffAt(t.clock, id, overrides);
  const phone = (n: number) => ({ phoneKeyHash: sha256(`phone-${n}`), enrolmentTicketId: `ticket-${n}` });

  it('creates and finds a hand-off by id and (while waiting) by code, unchanged by mutating input or output; refuses a duplicate id or code', async () => {
    const input = handoff('h-1');
    await t.store.phoneHandoffs.create(input);
    input.accountId = 'mutated input';
    input.expiresAt.setTime(0);
    const found = await t.store.phoneHandoffs.find('h-1');
    assert.deepEqual(found, handoff('h-1'));
    assert.ok(found);
    found.status = 'completed';
    assert.deepEqual(await t.store.phoneHandoffs.find('h-1'), handoff('h-1'));
    assert.deepEqual(await t.store.phoneHandoffs.findWaitingByCode(sha256('code-of-h-1')), handoff('h-1'));
    assert.equal(await t.store.phoneHandoffs.find('unknown'), undefined);
    assert.equal(await t.store.phoneHandoffs.findWaitingByCode(sha256('unknown')), undefined);

    await assert.rejects(t.store.phoneHandoffs.create(handoff('h-1', { codeHash: sha256('another') })), (err: unknown) => err instanceof DuplicateKeyError && err.field === 'id');
    await assert.rejects(t.store.phoneHandoffs.create(handoff('h-2', { codeHash: sha256('code-of-h-1') })), (err: unknown) => err instanceof DuplicateKeyError && err.field === 'codeHash');
    assert.deepEqual(await t.store.phoneHandoffs.find('h-1'), handoff('h-1'));
    assert.equal(await t.store.phoneHandoffs.find('h-2'), undefined);
  });

  it('is claimed once: the code then finds nothing, a second claim fails, and only the claiming phone completes it', async () => {
    await t.store.phoneHandoffs.create(handoff('h-1'));
    assert.equal(await t.store.phoneHandoffs.claim('h-1', phone(1)), true);
    assert.equal(await t.store.phoneHandoffs.findWaitingByCode(sha256('code-of-h-1')), undefined, 'a used code opens nothing');
    assert.equal(await t.store.phoneHandoffs.claim('h-1', phone(2)), false);
    assert.deepEqual(await t.store.phoneHandoffs.find('h-1'), handoff('h-1', { status: 'claimed', ...phone(1) }));

    const keepUntil = new Date(t.clock + 3_600_000);
    assert.equal(await t.store.phoneHandoffs.complete('h-1', phone(2).phoneKeyHash, 'Thief', keepUntil), false, 'another phone cannot complete it');
    assert.equal(await t.store.phoneHandoffs.complete('h-1', phone(1).phoneKeyHash, 'Pixel', keepUntil), true);
    assert.equal(await t.store.phoneHandoffs.complete('h-1', phone(1).phoneKeyHash, 'Pixel', keepUntil), false, 'completed once');
    assert.deepEqual(await t.store.phoneHandoffs.find('h-1'), handoff('h-1', { status: 'completed', ...phone(1), deviceName: 'Pixel', expiresAt: keepUntil }));
    assert.equal(await t.store.phoneHandoffs.claim('h-1', phone(3)), false);
    assert.equal(await t.store.phoneHandoffs.claim('unknown', phone(1)), false);
    assert.equal(await t.store.phoneHandoffs.complete('unknown', phone(1).phoneKeyHash, 'x', keepUntil), false);
  });

  it('is refused only by the claiming phone, once, and then can be neither completed nor claimed', async () => {
    await t.store.phoneHandoffs.create(handoff('h-1'));
    const keepUntil = new Date(t.clock + 3_600_000);
    assert.equal(await t.store.phoneHandoffs.refuse('h-1', phone(1).phoneKeyHash, keepUntil), false, 'not before a claim');
    assert.equal(await t.store.phoneHandoffs.claim('h-1', phone(1)), true);
    assert.equal(await t.store.phoneHandoffs.refuse('h-1', phone(2).phoneKeyHash, keepUntil), false, 'another phone cannot refuse it');
    assert.equal(await t.store.phoneHandoffs.refuse('h-1', phone(1).phoneKeyHash, keepUntil), true);
    assert.equal(await t.store.phoneHandoffs.refuse('h-1', phone(1).phoneKeyHash, keepUntil), false, 'refused once');
    assert.equal(await t.store.phoneHandoffs.complete('h-1', phone(1).phoneKeyHash, 'Pixel', keepUntil), false, 'a refused hand-off is not completed');
    assert.deepEqual(await t.store.phoneHandoffs.find('h-1'), handoff('h-1', { status: 'refused', ...phone(1), expiresAt: keepUntil }));

    // And a completed one cannot be refused afterwards.
    await t.store.phoneHandoffs.create(handoff('h-2'));
    assert.equal(await t.store.phoneHandoffs.claim('h-2', phone(2)), true);
    assert.equal(await t.store.phoneHandoffs.complete('h-2', phone(2).phoneKeyHash, 'Pixel', keepUntil), true);
    assert.equal(await t.store.phoneHandoffs.refuse('h-2', phone(2).phoneKeyHash, keepUntil), false);
    assert.equal((await t.store.phoneHandoffs.find('h-2'))?.status, 'completed');
  });

  it('a waiting hand-off cannot be completed without a claim', async () => {
    await t.store.phoneHandoffs.create(handoff('h-1'));
    assert.equal(await t.store.phoneHandoffs.complete('h-1', phone(1).phoneKeyHash, 'Pixel', new Date(t.clock + 60_000)), false);
    assert.equal((await t.store.phoneHandoffs.find('h-1'))?.status, 'waiting');
  });

  it('neither finds, claims nor completes an expired hand-off', async () => {
    await t.store.phoneHandoffs.create(handoff('h-1', { expiresAt: new Date(t.clock + 60_000) }));
    await t.store.phoneHandoffs.create(handoff('h-2', { expiresAt: new Date(t.clock + 60_000) }));
    assert.equal(await t.store.phoneHandoffs.claim('h-2', phone(2)), true);
    t.clock += 60_000;
    assert.equal(await t.store.phoneHandoffs.find('h-1'), undefined);
    assert.equal(await t.store.phoneHandoffs.findWaitingByCode(sha256('code-of-h-1')), undefined);
    assert.equal(await t.store.phoneHandoffs.claim('h-1', phone(1)), false);
    assert.equal(await t.store.phoneHandoffs.complete('h-2', phone(2).phoneKeyHash, 'Late', new Date(t.clock + 600_000)), false);
    t.clock -= 1;
    assert.equal((await t.store.phoneHandoffs.find('h-1'))?.status, 'waiting', 'refused, not claimed');
    assert.equal((await t.store.phoneHandoffs.find('h-2'))?.status, 'claimed', 'refused, not completed');
  });

  it('sweepExpired deletes expired hand-offs only', async () => {
    await t.store.phoneHandoffs.create(handoff('h-short', { expiresAt: new Date(t.clock + 60_000) }));
    await t.store.phoneHandoffs.create(handoff('h-long'));
    t.clock += 60_000;
    assert.ok(await t.store.sweepExpired() >= 1);
    t.clock -= 30_000;
    assert.equal(await t.store.phoneHandoffs.find('h-short'), undefined, 'really deleted, not hidden');
    assert.ok(await t.store.phoneHandoffs.find('h-long'));
  });

  it('lets exactly one of 10 phones racing with the same code claim it, and that one alone complete it', async () => {
    for (let round = 0; round < 5; round += 1) {
      const id = `race-${round}`;
      await t.store.phoneHandoffs.create(handoff(id));
      const claims = valuesOf(await race(10, (i) => t.store.phoneHandoffs.claim(id, phone(i))));
      assert.equal(claims.filter(Boolean).length, 1, `round ${round}: ${claims.filter(Boolean).length} claims won`);
      const winner = claims.indexOf(true);
      assert.equal((await t.store.phoneHandoffs.find(id))?.phoneKeyHash, phone(winner).phoneKeyHash);
      const completions = valuesOf(await race(10, () => t.store.phoneHandoffs.complete(id, phone(winner).phoneKeyHash, 'Pixel', new Date(t.clock + 600_000))));
      assert.equal(completions.filter(Boolean).length, 1, `round ${round}: ${completions.filter(Boolean).length} completions won`);
    }
  });
});

describe('store contract (mongo, two connections): phone hand-offs', () => {
  it('is claimed by exactly one phone across two connections', async () => {
    await withTwoConnections(async (a, _b, either) => {
      for (let round = 0; round < 3; round += 1) {
        const id = `race-${round}`;
        await a.phoneHandoffs.create(handoffAt(Date.now(), id));
        const claims = valuesOf(await race(10, (i) => either(i).phoneHandoffs.claim(id, { phoneKeyHash: sha256(`p${i}`), enrolmentTicketId: `t${i}` })));
        assert.equal(claims.filter(Boolean).length, 1, `round ${round}: claims`);
      }
    });
  });
});
