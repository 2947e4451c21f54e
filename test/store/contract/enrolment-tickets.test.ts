// Enrolment tickets: used once, expired on read.
import assert from 'node:assert/strict';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import type { EnrolmentTicket } from '../../../src/store/types.ts';
import { forEachStore, race, sha256, valuesOf, withTwoConnections } from './support.ts';

forEachStore('enrolment tickets', (t) => {
  const ticket = (id: string, overrides: Partial<EnrolmentTicket> = {}): EnrolmentTicket => ({
    id,
    secretHash: sha256(`secret-of-${id}`),
    accountId: 'acc-1',
    purpose: 'recovery',
    recoveryRequestId: 'rr-1',
    sentTo: 'alice.home@example.net',
    createdAt: new Date(t.clock),
    expiresAt: new Date(t.clock + 600_000),
    ...overrides,
  });

  it('creates and finds a live ticket, unchanged by mutating the input or the output, and refuses a duplicate id', async () => {
    const input = ticket('t-1');
    await t.store.enrolmentTickets.create(input);
    input.expiresAt.setTime(t.clock + 999_999_999);
    input.accountId = 'mutated input';
    const found = await t.store.enrolmentTickets.find('t-1');
    assert.deepEqual(found, ticket('t-1'));
    assert.ok(found);
    found.expiresAt.setTime(0);
    found.accountId = 'mutated output';
    assert.deepEqual(await t.store.enrolmentTickets.find('t-1'), ticket('t-1'));
    assert.equal(await t.store.enrolmentTickets.find('unknown'), undefined);

    const handedOver = ticket('t-2', { purpose: 'phone_change', recoveryRequestId: null, sentTo: null });
    await t.store.enrolmentTickets.create(handedOver);
    assert.deepEqual(await t.store.enrolmentTickets.find('t-2'), handedOver);

    await assert.rejects(
      t.store.enrolmentTickets.create(ticket('t-1', { accountId: 'acc-2' })),
      (err: unknown) => err instanceof DuplicateKeyError && err.field === 'id',
    );
    assert.deepEqual(await t.store.enrolmentTickets.find('t-1'), ticket('t-1'));
  });

  it('uses a ticket once: afterwards it is neither found nor usable', async () => {
    await t.store.enrolmentTickets.create(ticket('t-1'));
    await t.store.enrolmentTickets.create(ticket('t-2'));
    assert.equal(await t.store.enrolmentTickets.use('t-1'), true);
    assert.equal(await t.store.enrolmentTickets.find('t-1'), undefined);
    assert.equal(await t.store.enrolmentTickets.use('t-1'), false);
    assert.equal(await t.store.enrolmentTickets.use('unknown'), false);
    assert.deepEqual(await t.store.enrolmentTickets.find('t-2'), ticket('t-2'), 'other tickets stay');
  });

  it('neither finds nor uses an expired ticket', async () => {
    await t.store.enrolmentTickets.create(ticket('t-1', { expiresAt: new Date(t.clock + 60_000) }));
    t.clock += 59_999;
    assert.ok(await t.store.enrolmentTickets.find('t-1'));
    t.clock += 1;
    assert.equal(await t.store.enrolmentTickets.find('t-1'), undefined);
    assert.equal(await t.store.enrolmentTickets.use('t-1'), false);
    t.clock -= 60_000;
    assert.deepEqual(await t.store.enrolmentTickets.find('t-1'), ticket('t-1', { expiresAt: new Date(t.clock + 60_000) }), 'refused, not used up');
  });

  it('sweepExpired deletes expired tickets only', async () => {
    const long = ticket('t-long');
    await t.store.enrolmentTickets.create(ticket('t-short', { expiresAt: new Date(t.clock + 60_000) }));
    await t.store.enrolmentTickets.create(long);
    t.clock += 60_000;
    assert.equal(await t.store.sweepExpired(), 1);
    assert.equal(await t.store.sweepExpired(), 0);
    t.clock -= 30_000;
    assert.equal(await t.store.enrolmentTickets.find('t-short'), undefined, 'really deleted, not hidden');
    assert.deepEqual(await t.store.enrolmentTickets.find('t-long'), long);
  });

  it('lets exactly one of 10 concurrent uses win', async () => {
    for (let round = 0; round < 5; round += 1) {
      const id = `race-${round}`;
      await t.store.enrolmentTickets.create(ticket(id));
      const results = valuesOf(await race(10, () => t.store.enrolmentTickets.use(id)));
      assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.filter(Boolean).length} uses won`);
      assert.equal(await t.store.enrolmentTickets.find(id), undefined);
    }
  });
});

describe('store contract (mongo, two connections): enrolment tickets', () => {
  it('uses a ticket exactly once across two connections', async () => {
    await withTwoConnections(async (a, _b, either) => {
      for (let round = 0; round < 3; round += 1) {
        const at = new Date();
        const id = `race-${round}`;
        await a.enrolmentTickets.create({
          id, secretHash: sha256(id), accountId: 'acc-1', purpose: 'recovery', recoveryRequestId: id, sentTo: null, createdAt: at, expiresAt: new Date(at.getTime() + 60_000),
        });
        const uses = valuesOf(await race(10, (i) => either(i).enrolmentTickets.use(id)));
        assert.equal(uses.filter(Boolean).length, 1, `round ${round}: ticket uses`);
      }
    });
  });
});
