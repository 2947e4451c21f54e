// Push approvals: created within the caps (race-safe), decided once, expired on read, kept a day
// for the hourly cap.
import assert from 'node:assert/strict';
import type { Approval, ApprovalDecision } from '../../../src/store/types.ts';
import { assertRejectsWith, forEachStore, race, sha256, valuesOf, withTwoConnections } from './support.ts';

forEachStore('approvals', (t) => {
  const approval = (accountId: string, id: string, overrides: Partial<Approval> = {}): Approval => ({
    id,
    accountId,
    origin: { kind: 'browser', interactionUid: `interaction-${id}`, browserHash: sha256(`browser-${id}`) },
    matching: 'choose',
    number: '42',
    choices: ['17', '42', '88'],
    // Keys FerretDB cannot store verbatim, too: the context is whatever the service puts there.
    context: { client: 'Partner Service', browser: 'Chrome 156', os: 'Windows', ip: '203.0.113.7', place: 'Tokyo, JP', 'odd.key': 'dotted', $dollar: 'leading dollar' },
    status: 'pending',
    createdAt: new Date(t.clock),
    expiresAt: new Date(t.clock + 120_000),
    decidedAt: null,
    decidedBy: null,
    userVerified: false,
    ...overrides,
  });
  const decision = (overrides: Partial<ApprovalDecision> = {}): ApprovalDecision => ({
    status: 'approved',
    at: new Date(t.clock + 1000),
    deviceId: 'dev-1',
    userVerified: true,
    ...overrides,
  });
  /** The approval as decide() should return it. */
  const decided = (pending: Approval, d: ApprovalDecision): Approval => ({
    ...pending,
    status: d.status,
    decidedAt: d.at,
    decidedBy: d.deviceId,
    userVerified: d.userVerified,
  });

  it('creates and finds an approval, unchanged by mutating the input or the output', async () => {
    const input = approval('acc-1', 'ap-1');
    await t.store.approvals.create(input);
    input.choices.push('99');
    input.context.client = 'mutated input';
    input.expiresAt.setTime(t.clock + 999_999_999);
    const found = await t.store.approvals.find('ap-1');
    assert.deepEqual(found, approval('acc-1', 'ap-1'));
    assert.ok(found);
    found.choices[0] = 'mutated';
    found.context.ip = 'mutated';
    found.status = 'approved';
    assert.deepEqual(await t.store.approvals.find('ap-1'), approval('acc-1', 'ap-1'));
    assert.equal(await t.store.approvals.find('unknown'), undefined);
    const trusted = approval('acc-1', 'ap-2', { matching: 'none', number: '', choices: [], context: {} });
    await t.store.approvals.create(trusted);
    assert.deepEqual(await t.store.approvals.find('ap-2'), trusted);
  });

  it('lists pending approvals newest first, without decided, expired or other accounts\' ones', async () => {
    const oldest = approval('acc-1', 'ap-oldest', { createdAt: new Date(t.clock - 4000), expiresAt: new Date(t.clock + 1000) });
    const old = approval('acc-1', 'ap-old', { createdAt: new Date(t.clock - 3000) });
    const tieA = approval('acc-1', 'ap-tie-a', { createdAt: new Date(t.clock - 2000) });
    const tieB = approval('acc-1', 'ap-tie-b', { createdAt: new Date(t.clock - 2000) });
    const decidedOne = approval('acc-1', 'ap-decided', { createdAt: new Date(t.clock - 1000) });
    const other = approval('acc-2', 'ap-other');
    for (const a of [tieA, oldest, other, decidedOne, old, tieB]) await t.store.approvals.create(a);
    assert.ok(await t.store.approvals.decide('ap-decided', decision({ status: 'denied' })));

    assert.deepEqual(await t.store.approvals.listPending('acc-1'), [tieB, tieA, old, oldest]);
    assert.deepEqual(await t.store.approvals.listPending('acc-2'), [other]);
    assert.deepEqual(await t.store.approvals.listPending('nobody'), []);
    t.clock += 1000;
    assert.deepEqual(await t.store.approvals.listPending('acc-1'), [tieB, tieA, old], 'the expired one is gone');
  });

  it('tells which of many approvals are still pending in one read: not decided, expired or unknown ones', async () => {
    const soon = approval('acc-1', 'ap-soon', { expiresAt: new Date(t.clock + 1000) });
    for (const a of [approval('acc-1', 'ap-waiting'), approval('acc-2', 'ap-decided'), soon]) await t.store.approvals.create(a);
    assert.ok(await t.store.approvals.decide('ap-decided', decision()));
    const all = ['ap-waiting', 'ap-decided', 'ap-soon', 'ap-unknown'];
    assert.deepEqual([...await t.store.approvals.pendingAmong(all)].sort(), ['ap-soon', 'ap-waiting']);
    t.clock += 1000;
    assert.deepEqual([...await t.store.approvals.pendingAmong(all)], ['ap-waiting'], 'the expired one is not pending');
    assert.deepEqual([...await t.store.approvals.pendingAmong([])], []);
  });

  it('decides a pending approval once and returns the decided record', async () => {
    const pending = approval('acc-1', 'ap-1');
    await t.store.approvals.create(pending);
    const d = decision();
    const result = await t.store.approvals.decide('ap-1', d);
    assert.deepEqual(result, decided(pending, d));
    assert.deepEqual(await t.store.approvals.find('ap-1'), decided(pending, d));
    assert.deepEqual(await t.store.approvals.listPending('acc-1'), []);

    assert.equal(await t.store.approvals.decide('ap-1', decision({ status: 'reported', deviceId: 'dev-2' })), undefined);
    assert.equal(await t.store.approvals.decide('ap-1', d), undefined, 'not even the same decision twice');
    assert.deepEqual(await t.store.approvals.find('ap-1'), decided(pending, d), 'the first decision stands');
    assert.equal(await t.store.approvals.decide('unknown', d), undefined);

    // Every kind of decision, also without a device.
    for (const status of ['denied', 'reported'] as const) {
      const other = approval('acc-1', `ap-${status}`);
      await t.store.approvals.create(other);
      const od = decision({ status, deviceId: null, userVerified: false });
      assert.deepEqual(await t.store.approvals.decide(other.id, od), decided(other, od));
      assert.deepEqual(await t.store.approvals.find(other.id), decided(other, od));
    }
  });

  it('does not decide an expired approval', async () => {
    await t.store.approvals.create(approval('acc-1', 'ap-1', { expiresAt: new Date(t.clock + 60_000) }));
    t.clock += 60_000;
    assert.equal(await t.store.approvals.decide('ap-1', decision()), undefined);
    assert.equal(await t.store.approvals.find('ap-1'), undefined);
    t.clock -= 60_000;
    assert.deepEqual(await t.store.approvals.find('ap-1'), approval('acc-1', 'ap-1', { expiresAt: new Date(t.clock + 60_000) }), 'still pending');
  });

  it('lets exactly one of 10 concurrent decides win, and stores the winner\'s decision', async () => {
    const statuses = ['approved', 'denied', 'reported'] as const;
    for (let round = 0; round < 5; round += 1) {
      const pending = approval('acc-1', `race-${round}`);
      await t.store.approvals.create(pending);
      const decisions = Array.from({ length: 10 }, (_, i) => decision({
        status: statuses[i % 3] ?? 'approved',
        at: new Date(t.clock + i),
        deviceId: `dev-${i}`,
        userVerified: i % 2 === 0,
      }));
      const results = valuesOf(await race(decisions.length, (i) => t.store.approvals.decide(pending.id, decisions[i] as ApprovalDecision)));
      const winners = results.flatMap((result, i) => (result ? [i] : []));
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} decides won`);
      const winner = decisions[winners[0] ?? -1];
      assert.ok(winner);
      assert.deepEqual(results[winners[0] ?? -1], decided(pending, winner));
      assert.deepEqual(await t.store.approvals.find(pending.id), decided(pending, winner), `round ${round}: the stored decision is the winner's`);
    }
  });

  it('refuses to decide back to pending', async () => {
    await t.store.approvals.create(approval('acc-1', 'ap-1'));
    const bogus = { ...decision(), status: 'pending' } as unknown as ApprovalDecision;
    await assertRejectsWith(t.store.approvals.decide('ap-1', bogus), RangeError);
    assert.deepEqual(await t.store.approvals.find('ap-1'), approval('acc-1', 'ap-1'));
  });

  it('counts the approvals an account created since a time, whatever became of them', async () => {
    const since = new Date(t.clock - 3600_000);
    await t.store.approvals.create(approval('acc-1', 'before', { createdAt: new Date(since.getTime() - 1) }));
    await t.store.approvals.create(approval('acc-1', 'at', { createdAt: since }));
    await t.store.approvals.create(approval('acc-1', 'expired', { createdAt: new Date(t.clock - 600_000), expiresAt: new Date(t.clock - 480_000) }));
    await t.store.approvals.create(approval('acc-1', 'decided'));
    await t.store.approvals.create(approval('acc-1', 'pending'));
    await t.store.approvals.create(approval('acc-2', 'other'));
    assert.ok(await t.store.approvals.decide('decided', decision({ status: 'denied' })));
    assert.equal(await t.store.approvals.countCreatedSince('acc-1', since), 4);
    assert.equal(await t.store.approvals.countCreatedSince('acc-1', new Date(t.clock)), 2);
    assert.equal(await t.store.approvals.countCreatedSince('acc-1', new Date(t.clock + 1)), 0);
    assert.equal(await t.store.approvals.countCreatedSince('acc-2', since), 1);
    assert.equal(await t.store.approvals.countCreatedSince('nobody', since), 0);
  });

  it('creates within the caps: pending ones (decided and expired ones free a place) and those made since a time', async () => {
    const caps = { maxPending: 2, maxSince: 4, since: new Date(t.clock - 3600_000) };
    assert.equal(await t.store.approvals.createWithinCaps(approval('acc-1', 'a'), caps), 'created');
    assert.equal(await t.store.approvals.createWithinCaps(approval('acc-1', 'b'), caps), 'created');
    assert.equal(await t.store.approvals.createWithinCaps(approval('acc-1', 'c'), caps), 'too_many_pending');
    assert.equal(await t.store.approvals.find('c'), undefined, 'a refused approval is not stored');
    assert.equal(await t.store.approvals.createWithinCaps(approval('acc-2', 'other'), caps), 'created', 'caps are per account');
    assert.ok(await t.store.approvals.decide('a', decision({ status: 'denied' })));
    assert.equal(await t.store.approvals.createWithinCaps(approval('acc-1', 'd', { expiresAt: new Date(t.clock + 1000) }), caps), 'created');
    t.clock += 1000;
    // 'd' expired: two pending places again, but a, b and d were made this hour: one more in all.
    assert.equal(await t.store.approvals.createWithinCaps(approval('acc-1', 'e'), caps), 'created');
    assert.ok(await t.store.approvals.decide('e', decision({ status: 'denied' })));
    assert.equal(await t.store.approvals.createWithinCaps(approval('acc-1', 'f'), caps), 'too_many_since', 'a pending place is free, but four were made this hour');
    assert.equal(await t.store.approvals.find('f'), undefined);
    assert.deepEqual((await t.store.approvals.listPending('acc-1')).map((x) => x.id), ['b']);
    await assertRejectsWith(t.store.approvals.createWithinCaps(approval('acc-2', 'other'), caps), Error);
  });

  it('never exceeds the caps when 10 creations race (on the memory store exactly the cap pass)', async () => {
    for (const [cap, caps] of [[3, { maxPending: 3, maxSince: 100 }], [4, { maxPending: 100, maxSince: 4 }]] as const) {
      const account = `acc-${cap}`;
      const results = valuesOf(await race(10, (i) => t.store.approvals.createWithinCaps(approval(account, `${account}-${i}`), { ...caps, since: new Date(t.clock - 3600_000) })));
      const created = results.filter((result) => result === 'created').length;
      assert.ok(created <= cap, `${created} created against a cap of ${cap}`);
      if (t.kind === 'memory') assert.equal(created, cap);
      assert.equal((await t.store.approvals.listPending(account)).length, created, 'refused ones are not stored');
      assert.deepEqual([...new Set(results.filter((result) => result !== 'created'))], [cap === 3 ? 'too_many_pending' : 'too_many_since'].slice(0, created === 10 ? 0 : 1));
    }
  });

  it('completes an approved approval once, even when 10 completions race; never a pending, denied or expired one', async () => {
    await t.store.approvals.create(approval('acc-1', 'pending'));
    await t.store.approvals.create(approval('acc-1', 'denied'));
    await t.store.approvals.create(approval('acc-1', 'approved'));
    await t.store.approvals.create(approval('acc-1', 'late', { expiresAt: new Date(t.clock + 1000) }));
    assert.ok(await t.store.approvals.decide('denied', decision({ status: 'denied' })));
    assert.ok(await t.store.approvals.decide('approved', decision()));
    assert.ok(await t.store.approvals.decide('late', decision()));
    assert.equal(await t.store.approvals.complete('pending'), false);
    assert.equal(await t.store.approvals.complete('denied'), false);
    assert.equal(await t.store.approvals.complete('unknown'), false);
    const results = valuesOf(await race(10, () => t.store.approvals.complete('approved')));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await t.store.approvals.complete('approved'), false);
    t.clock += 1000;
    assert.equal(await t.store.approvals.complete('late'), false);
  });

  it('reads an expired approval, decided or not, as undefined', async () => {
    await t.store.approvals.create(approval('acc-1', 'pending', { expiresAt: new Date(t.clock + 60_000) }));
    await t.store.approvals.create(approval('acc-1', 'decided', { expiresAt: new Date(t.clock + 60_000) }));
    assert.ok(await t.store.approvals.decide('decided', decision()));
    t.clock += 59_999;
    assert.ok(await t.store.approvals.find('pending'));
    assert.ok(await t.store.approvals.find('decided'));
    t.clock += 1;
    assert.equal(await t.store.approvals.find('pending'), undefined);
    assert.equal(await t.store.approvals.find('decided'), undefined);
    assert.deepEqual(await t.store.approvals.listPending('acc-1'), []);
  });

  it('keeps expired approvals a day for the hourly cap, then sweepExpired deletes them', async () => {
    const start = t.clock;
    await t.store.approvals.create(approval('acc-1', 'short', { expiresAt: new Date(start + 60_000) }));
    await t.store.approvals.create(approval('acc-1', 'long', { expiresAt: new Date(start + 7 * 24 * 3600_000) }));
    t.clock = start + 60_000;
    assert.equal(await t.store.approvals.find('short'), undefined);
    assert.equal(await t.store.sweepExpired(), 0, 'still counted by the cap');
    assert.equal(await t.store.approvals.countCreatedSince('acc-1', new Date(start)), 2);

    t.clock = start + 60_000 + 24 * 3600_000;
    assert.equal(await t.store.sweepExpired(), 1);
    assert.equal(await t.store.sweepExpired(), 0);
    t.clock = start;
    assert.equal(await t.store.approvals.find('short'), undefined, 'really deleted, not hidden');
    assert.equal(await t.store.approvals.countCreatedSince('acc-1', new Date(start)), 1);
    assert.ok(await t.store.approvals.find('long'));
  });
});

describe('store contract (mongo, two connections): approvals', () => {
  it('never exceeds the pending cap when creations race across two connections', async () => {
    await withTwoConnections(async (a, _b, either) => {
      for (let round = 0; round < 3; round += 1) {
        const accountId = `acc-${round}`;
        const createdAt = new Date();
        const results = valuesOf(await race(10, (i) => either(i).approvals.createWithinCaps({
          id: `${accountId}-${i}`,
          accountId,
          origin: { kind: 'browser', interactionUid: 'i', browserHash: sha256('b') },
          matching: 'choose',
          number: '42',
          choices: ['17', '42', '88'],
          context: {},
          status: 'pending',
          createdAt,
          expiresAt: new Date(createdAt.getTime() + 60_000),
          decidedAt: null,
          decidedBy: null,
          userVerified: false,
        }, { maxPending: 3, maxSince: 100, since: new Date(createdAt.getTime() - 3600_000) })));
        const created = results.filter((result) => result === 'created').length;
        assert.ok(created <= 3, `round ${round}: ${created} created against a cap of 3`);
        assert.equal((await a.approvals.listPending(accountId)).length, created);
      }
    });
  });


  it('decides an approval exactly once across two connections', async () => {
    await withTwoConnections(async (a, b, either) => {
      for (let round = 0; round < 5; round += 1) {
        const id = `race-${round}`;
        const createdAt = new Date();
        await a.approvals.create({
          id,
          accountId: 'acc-1',
          origin: { kind: 'browser', interactionUid: 'i', browserHash: sha256('b') },
          matching: 'type',
          number: '123456',
          choices: [],
          context: {},
          status: 'pending',
          createdAt,
          expiresAt: new Date(createdAt.getTime() + 60_000),
          decidedAt: null,
          decidedBy: null,
          userVerified: false,
        });
        const results = valuesOf(await race(10, (i) => either(i).approvals.decide(id, {
          status: i % 2 ? 'approved' : 'denied',
          at: new Date(),
          deviceId: `dev-${i}`,
          userVerified: true,
        })));
        const won = results.filter((result) => result !== undefined);
        assert.equal(won.length, 1, `round ${round}: ${won.length} decides won`);
        assert.deepEqual(await b.approvals.find(id), won[0]);
      }
    });
  });
});
