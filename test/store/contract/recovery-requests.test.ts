// Recovery requests: listed newest first, transitions single-winner.
import assert from 'node:assert/strict';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import type { RecoveryRequest, RecoveryTransition } from '../../../src/store/types.ts';
import { assertRejectsWith, forEachStore, race, valuesOf, withTwoConnections } from './support.ts';

forEachStore('recovery requests', (t) => {
  const request = (id: string, overrides: Partial<RecoveryRequest> = {}): RecoveryRequest => ({
    id,
    accountId: 'acc-1',
    accountHint: 'Alice@Example.com ',
    contactEmail: 'alice.home@example.net',
    contactMobile: '090-1234-5678',
    message: '携帯電話をなくしました。I lost my phone.',
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    status: 'pending',
    createdAt: new Date(t.clock),
    decidedAt: null,
    decidedBy: null,
    decisionNote: '',
    enrolmentSentTo: null,
    completedAt: null,
    enrolment: null,
    completion: null,
    ...overrides,
  });

  it('creates and finds a request, unchanged by mutating the input or the output, and refuses a duplicate id', async () => {
    const input = request('rr-1');
    await t.store.recoveryRequests.create(input);
    input.message = 'mutated input';
    input.createdAt.setTime(0);
    const found = await t.store.recoveryRequests.findById('rr-1');
    assert.deepEqual(found, request('rr-1'));
    assert.ok(found);
    found.status = 'approved';
    found.createdAt.setTime(0);
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-1'), request('rr-1'));
    assert.equal(await t.store.recoveryRequests.findById('unknown'), undefined);

    // A request naming no account is kept too, without ip or user agent.
    const anonymous = request('rr-2', { accountId: null, ip: null, userAgent: null, contactMobile: '' });
    await t.store.recoveryRequests.create(anonymous);
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-2'), anonymous);

    await assert.rejects(
      t.store.recoveryRequests.create(request('rr-1', { message: 'second' })),
      (err: unknown) => err instanceof DuplicateKeyError && err.field === 'id',
    );
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-1'), request('rr-1'));
  });

  it('keeps the request\'s own state: the used enrolment link and the latest clean-up, the later replacing the earlier', async () => {
    await t.store.recoveryRequests.create(request('rr-state'));
    const enrolment = { at: new Date(t.clock), credentialId: 'cred-new' };
    await t.store.recoveryRequests.recordEnrolment('rr-state', enrolment);
    const failed = { outcome: 'failed' as const, at: new Date(t.clock + 1000), actor: 'user', attempts: 2, removedPhones: 0, removedPasskeys: 1, sessions: 2, tokens: 3, trustedBrowsers: 1, passwordRemoved: false, failedSteps: ['phones'] };
    await t.store.recoveryRequests.recordCompletion('rr-state', failed);
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-state'), request('rr-state', { enrolment, completion: failed }));
    const completed = { ...failed, outcome: 'completed' as const, at: new Date(t.clock + 2000), actor: 'operator:sato', attempts: 1, removedPhones: 1, failedSteps: [] };
    await t.store.recoveryRequests.recordCompletion('rr-state', completed);
    const found = await t.store.recoveryRequests.findById('rr-state');
    assert.deepEqual(found, request('rr-state', { enrolment, completion: completed }));
    // A transition leaves the recorded state alone.
    await t.store.recoveryRequests.transition('rr-state', 'pending', { status: 'approved', at: new Date(t.clock), by: 'operator:sato' });
    assert.deepEqual((await t.store.recoveryRequests.findById('rr-state'))?.completion, completed);
    // Recording on an unknown request changes nothing and does not throw.
    await t.store.recoveryRequests.recordEnrolment('rr-unknown', enrolment);
    assert.equal(await t.store.recoveryRequests.findById('rr-unknown'), undefined);
  });

  it('lists requests newest first (the id breaking ties), optionally of one status, up to the limit', async () => {
    const oldest = request('rr-oldest', { createdAt: new Date(t.clock - 3000) });
    const tieA = request('rr-tie-a', { createdAt: new Date(t.clock - 2000) });
    const tieB = request('rr-tie-b', { createdAt: new Date(t.clock - 2000) });
    const newest = request('rr-newest', { createdAt: new Date(t.clock - 1000), accountId: null });
    for (const r of [tieA, newest, oldest, tieB]) await t.store.recoveryRequests.create(r);
    const approved = await t.store.recoveryRequests.transition('rr-tie-a', 'pending', { status: 'approved', at: new Date(t.clock), by: 'operator:bob' });
    assert.ok(approved);

    assert.deepEqual(await t.store.recoveryRequests.list({ limit: 10 }), [newest, tieB, approved, oldest]);
    assert.deepEqual(await t.store.recoveryRequests.list({ limit: 2 }), [newest, tieB]);
    assert.deepEqual(await t.store.recoveryRequests.list({ status: 'pending', limit: 10 }), [newest, tieB, oldest]);
    assert.deepEqual(await t.store.recoveryRequests.list({ status: 'pending', limit: 1 }), [newest]);
    assert.deepEqual(await t.store.recoveryRequests.list({ status: 'approved', limit: 10 }), [approved]);
    assert.deepEqual(await t.store.recoveryRequests.list({ status: 'completed', limit: 10 }), []);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await assertRejectsWith(t.store.recoveryRequests.list({ limit }), RangeError);
      await assertRejectsWith(t.store.recoveryRequests.list({ status: 'pending', limit }), RangeError);
    }
  });

  it('sets the decision on approve and reject, completedAt on complete, and keeps the rest', async () => {
    await t.store.recoveryRequests.create(request('rr-1'));
    const approvedAt = new Date(t.clock + 1000);
    const approved = await t.store.recoveryRequests.transition('rr-1', 'pending', {
      status: 'approved', at: approvedAt, by: 'operator:bob', note: '本人確認済み', enrolmentSentTo: 'alice.home@example.net',
    });
    const expectedApproved = request('rr-1', {
      status: 'approved', decidedAt: approvedAt, decidedBy: 'operator:bob', decisionNote: '本人確認済み', enrolmentSentTo: 'alice.home@example.net',
    });
    assert.deepEqual(approved, expectedApproved);
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-1'), expectedApproved);

    const completedAt = new Date(t.clock + 2000);
    const completed = await t.store.recoveryRequests.transition('rr-1', 'approved', { status: 'completed', at: completedAt });
    assert.deepEqual(completed, { ...expectedApproved, status: 'completed', completedAt });
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-1'), { ...expectedApproved, status: 'completed', completedAt });

    // Without by and note: no operator named, an empty note.
    await t.store.recoveryRequests.create(request('rr-2'));
    const rejected = await t.store.recoveryRequests.transition('rr-2', 'pending', { status: 'rejected', at: approvedAt });
    const expectedRejected = request('rr-2', { status: 'rejected', decidedAt: approvedAt, decidedBy: null, decisionNote: '' });
    assert.deepEqual(rejected, expectedRejected);
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-2'), expectedRejected);
    const returned = await t.store.recoveryRequests.findById('rr-2');
    assert.ok(returned?.decidedAt);
    returned.decidedAt.setTime(0);
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-2'), expectedRejected, 'returned requests are copies');
  });

  it('refuses a transition from a state the request is not in, or of an unknown request, and changes nothing', async () => {
    await t.store.recoveryRequests.create(request('rr-1'));
    const at = new Date(t.clock + 1000);
    assert.equal(await t.store.recoveryRequests.transition('rr-1', 'approved', { status: 'completed', at }), undefined);
    assert.equal(await t.store.recoveryRequests.transition('rr-1', 'rejected', { status: 'approved', at, by: 'operator:bob' }), undefined);
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-1'), request('rr-1'));

    assert.ok(await t.store.recoveryRequests.transition('rr-1', 'pending', { status: 'rejected', at, by: 'operator:bob', note: 'no' }));
    const rejected = await t.store.recoveryRequests.findById('rr-1');
    assert.equal(await t.store.recoveryRequests.transition('rr-1', 'pending', { status: 'approved', at, by: 'operator:eve' }), undefined, 'a decided request stays decided');
    assert.equal(await t.store.recoveryRequests.transition('rr-1', 'approved', { status: 'completed', at }), undefined);
    assert.deepEqual(await t.store.recoveryRequests.findById('rr-1'), rejected);

    assert.equal(await t.store.recoveryRequests.transition('unknown', 'pending', { status: 'approved', at }), undefined);
    assert.equal(await t.store.recoveryRequests.findById('unknown'), undefined);
  });

  it('lets exactly one of 10 concurrent transitions from one state win, and stores the winner\'s', async () => {
    for (let round = 0; round < 5; round += 1) {
      const pending = request(`race-${round}`);
      await t.store.recoveryRequests.create(pending);
      const transitions: RecoveryTransition[] = Array.from({ length: 10 }, (_, i) => ({
        status: i % 2 ? 'approved' : 'rejected',
        at: new Date(t.clock + i),
        by: `operator:${i}`,
        note: `note ${i}`,
        ...(i % 2 ? { enrolmentSentTo: `contact-${i}@example.net` } : {}),
      }));
      const results = valuesOf(await race(transitions.length, (i) => t.store.recoveryRequests.transition(pending.id, 'pending', transitions[i] as RecoveryTransition)));
      const winners = results.flatMap((result, i) => (result ? [i] : []));
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} transitions won`);
      const won = results[winners[0] ?? -1];
      assert.ok(won);
      assert.equal(won.decidedBy, `operator:${winners[0]}`);
      assert.deepEqual(await t.store.recoveryRequests.findById(pending.id), won, `round ${round}: the stored request is the winner's`);

      // Completing it races the same way.
      if (won.status === 'approved') {
        const completions = valuesOf(await race(10, (i) => t.store.recoveryRequests.transition(pending.id, 'approved', { status: 'completed', at: new Date(t.clock + 100 + i) })));
        assert.equal(completions.filter((result) => result !== undefined).length, 1, `round ${round}: completions`);
      }
    }
  });
});

describe('store contract (mongo, two connections): recovery requests', () => {
  it('transitions a request exactly once across two connections', async () => {
    await withTwoConnections(async (a, b, either) => {
      for (let round = 0; round < 3; round += 1) {
        const at = new Date();
        const id = `race-${round}`;
        await a.recoveryRequests.create({
          id, accountId: 'acc-1', accountHint: `race-${round}@example.com`, contactEmail: '', contactMobile: '', message: '', ip: null, userAgent: null,
          status: 'pending', createdAt: at, decidedAt: null, decidedBy: null, decisionNote: '', enrolmentSentTo: null, completedAt: null, enrolment: null, completion: null,
        });
        const transitions = valuesOf(await race(10, (i) => either(i).recoveryRequests.transition(id, 'pending', { status: 'approved', at, by: `operator:${i}` })));
        const won = transitions.filter((result) => result !== undefined);
        assert.equal(won.length, 1, `round ${round}: transitions`);
        assert.deepEqual(await b.recoveryRequests.findById(id), won[0]);
      }
    });
  });
});
