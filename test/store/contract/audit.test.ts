// The audit log: append-only, listed newest first.
import assert from 'node:assert/strict';
import type { AuditEvent, AuditQuery, NewAuditEvent } from '../../../src/store/types.ts';
import { assertRejectsWith, forEachStore } from './support.ts';

/** Every property name an object offers, own or inherited (short of Object.prototype), sorted. */
function methodNames(object: object): string[] {
  const names = new Set<string>();
  for (let current: object | null = object; current && current !== Object.prototype; current = Object.getPrototypeOf(current) as object | null) {
    for (const name of Object.getOwnPropertyNames(current)) if (name !== 'constructor') names.add(name);
  }
  return [...names].sort();
}

forEachStore('audit', (t) => {
  const event = (overrides: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
    at: new Date(t.clock),
    type: 'passkey.registered',
    accountId: 'acc-1',
    actor: 'user',
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    details: { credentialId: 'cred-1', aaguid: '00000000-0000-0000-0000-000000000000', 'odd.key': [[1], { $x: null }] },
    ...overrides,
  });

  it('appends events and returns them with a fresh id', async () => {
    const first = await t.store.audit.append(event());
    const second = await t.store.audit.append(event({ accountId: null, actor: 'system', ip: null, userAgent: null, details: {} }));
    assert.equal(typeof first.id, 'string');
    assert.ok(first.id.length > 0);
    assert.notEqual(first.id, second.id);
    assert.deepEqual(first, { id: first.id, ...event() });
    assert.deepEqual(second, { id: second.id, ...event({ accountId: null, actor: 'system', ip: null, userAgent: null, details: {} }) });
    assert.deepEqual(await t.store.audit.list({ limit: 10 }), [second, first]);
  });

  it("lists an account's events newest first, up to the limit", async () => {
    const at = (seconds: number): Date => new Date(t.clock + seconds * 1000);
    const appended = [];
    // Out of order on purpose; two share a timestamp, and the later appended counts as newer.
    for (const seconds of [3, 1, 4, 2, 4]) appended.push(await t.store.audit.append(event({ at: at(seconds), details: { seconds } })));
    await t.store.audit.append(event({ accountId: 'acc-2', at: at(10) }));
    await t.store.audit.append(event({ accountId: null, at: at(11) }));
    const [e3, e1, e4a, e2, e4b] = appended;
    assert.deepEqual(await t.store.audit.listByAccount('acc-1', 3), [e4b, e4a, e3]);
    assert.deepEqual(await t.store.audit.listByAccount('acc-1', 100), [e4b, e4a, e3, e2, e1]);
    assert.equal((await t.store.audit.listByAccount('acc-2', 100)).length, 1);
    assert.deepEqual(await t.store.audit.listByAccount('acc-3', 100), []);
  });

  it('lists all events or those of one type, newest first, up to the limit', async () => {
    const registered = await t.store.audit.append(event({ at: new Date(t.clock + 1000) }));
    const failedOld = await t.store.audit.append(event({ type: 'login.failed', accountId: null, at: new Date(t.clock) }));
    const failedNew = await t.store.audit.append(event({ type: 'login.failed', accountId: 'acc-2', at: new Date(t.clock + 2000) }));
    assert.deepEqual(await t.store.audit.list({ type: 'login.failed', limit: 10 }), [failedNew, failedOld]);
    assert.deepEqual(await t.store.audit.list({ type: 'login.failed', limit: 1 }), [failedNew]);
    assert.deepEqual(await t.store.audit.list({ type: 'passkey.counter_regression', limit: 10 }), []);
    assert.deepEqual(await t.store.audit.list({ limit: 2 }), [failedNew, registered]);
    assert.deepEqual(await t.store.audit.list({ limit: 10 }), [failedNew, registered, failedOld]);
  });

  it("filters an account's events by type, newest first, the limit counting matches only", async () => {
    const at = (seconds: number): Date => new Date(t.clock + seconds * 1000);
    const okOld = await t.store.audit.append(event({ type: 'login.succeeded', at: at(1) }));
    await t.store.audit.append(event({ type: 'passkey.registered', at: at(2) }));
    const failed = await t.store.audit.append(event({ type: 'login.failed', at: at(3) }));
    await t.store.audit.append(event({ type: 'login.succeeded', accountId: 'acc-2', at: at(4) }));
    await t.store.audit.append(event({ type: 'mode.switched', at: at(5) }));
    const okNew = await t.store.audit.append(event({ type: 'login.succeeded', at: at(6) }));
    await t.store.audit.append(event({ type: 'recovery.approved', at: at(7) }));

    const signIns = ['login.succeeded', 'login.failed'];
    assert.deepEqual(await t.store.audit.listByAccount('acc-1', 10, signIns), [okNew, failed, okOld]);
    assert.deepEqual(await t.store.audit.listByAccount('acc-1', 2, signIns), [okNew, failed]);
    assert.deepEqual(await t.store.audit.listByAccount('acc-1', 10, ['login.failed']), [failed]);
    assert.deepEqual(await t.store.audit.listByAccount('acc-1', 10, ['no.such.type']), []);
    assert.deepEqual(await t.store.audit.listByAccount('acc-1', 10, []), [], 'no types means no events');
    assert.equal((await t.store.audit.listByAccount('acc-1', 10)).length, 6, 'without types, every event');
    assert.equal((await t.store.audit.listByAccount('acc-2', 10, signIns)).length, 1);
    await assertRejectsWith(t.store.audit.listByAccount('acc-1', 0, signIns), RangeError);
  });

  it('refuses a limit that is not a positive integer', async () => {
    await t.store.audit.append(event());
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await assertRejectsWith(t.store.audit.listByAccount('acc-1', limit), RangeError);
      await assertRejectsWith(t.store.audit.list({ limit }), RangeError);
    }
  });

  it('is append-only: no method but append, the two lists and the search, and returned events are copies', async () => {
    assert.deepEqual(methodNames(t.store.audit), ['append', 'list', 'listByAccount', 'search']);
    const appended = await t.store.audit.append(event());
    appended.type = 'mutated';
    appended.details.credentialId = 'mutated';
    appended.at.setTime(0);
    const [listed] = await t.store.audit.list({ limit: 1 });
    assert.ok(listed);
    assert.deepEqual(listed, { id: listed.id, ...event() });
    listed.details.credentialId = 'mutated again';
    assert.deepEqual(await t.store.audit.list({ limit: 1 }), [{ id: listed.id, ...event() }]);
  });

  describe('search', () => {
    const at = (seconds: number): Date => new Date(t.clock + seconds * 1000);

    /** 30 events over two accounts, no account and three types, appended out of time order, some sharing a time. */
    async function appendMany(): Promise<AuditEvent[]> {
      const appended: AuditEvent[] = [];
      const types = ['login.succeeded', 'login.failed', 'account.viewed'];
      const accounts = ['acc-1', 'acc-2', null];
      for (let i = 0; i < 30; i += 1) {
        const seconds = (i * 7) % 20; // 0..19, several events per second
        appended.push(await t.store.audit.append(event({ at: at(seconds), type: types[i % 3] as string, accountId: accounts[Math.floor(i / 3) % 3] ?? null, details: { i } })));
      }
      return appended;
    }

    /** What a search must answer: the matching events, newest first (same time: appended later first). */
    function expected(appended: AuditEvent[], keep: (e: AuditEvent) => boolean): AuditEvent[] {
      return appended.map((e, i) => ({ e, i })).filter(({ e }) => keep(e))
        .sort((a, b) => b.e.at.getTime() - a.e.at.getTime() || b.i - a.i).map(({ e }) => e);
    }

    it('finds by account, types and time range, newest first, up to the limit', async () => {
      const appended = await appendMany();
      const cases: Array<[Omit<AuditQuery, 'limit'>, (e: AuditEvent) => boolean]> = [
        [{}, () => true],
        [{ accountId: 'acc-1' }, (e) => e.accountId === 'acc-1'],
        [{ types: ['login.failed'] }, (e) => e.type === 'login.failed'],
        [{ types: ['login.failed', 'account.viewed'] }, (e) => e.type !== 'login.succeeded'],
        [{ accountId: 'acc-2', types: ['login.succeeded', 'account.viewed'] }, (e) => e.accountId === 'acc-2' && e.type !== 'login.failed'],
        [{ from: at(5), to: at(12) }, (e) => e.at >= at(5) && e.at < at(12)],
        [{ accountId: 'acc-1', from: at(7) }, (e) => e.accountId === 'acc-1' && e.at >= at(7)],
        [{ types: ['login.succeeded'], to: at(7) }, (e) => e.type === 'login.succeeded' && e.at < at(7)],
        [{ accountId: 'acc-3' }, () => false],
        [{ types: ['no.such.type'] }, () => false],
        [{ from: at(12), to: at(12) }, () => false],
      ];
      for (const [query, keep] of cases) {
        const all = expected(appended, keep);
        assert.deepEqual(await t.store.audit.search({ ...query, limit: 100 }), all, JSON.stringify(query));
        assert.deepEqual(await t.store.audit.search({ ...query, limit: 4 }), all.slice(0, 4), `${JSON.stringify(query)}, limit 4`);
      }
      assert.deepEqual(await t.store.audit.search({ types: [], limit: 10 }), [], 'no types means no events');
    });

    it('pages through every match exactly once, events of the same time included', async () => {
      const appended = await appendMany();
      for (const query of [{}, { accountId: 'acc-1' }, { types: ['login.failed', 'login.succeeded'] }, { from: at(3), to: at(15) }] as Array<Omit<AuditQuery, 'limit'>>) {
        const seen: AuditEvent[] = [];
        let after: AuditQuery['after'];
        for (let page = 0; page < 40; page += 1) {
          const events = await t.store.audit.search({ ...query, ...(after ? { after } : {}), limit: 3 });
          seen.push(...events);
          const last = events.at(-1);
          if (events.length < 3 || !last) break;
          after = { at: last.at, id: last.id };
        }
        const all = await t.store.audit.search({ ...query, limit: 100 });
        assert.deepEqual(seen, all, JSON.stringify(query));
      }
      // A position the store did not make continues strictly before its time.
      const before10 = expected(appended, (e) => e.at < at(10));
      assert.deepEqual(await t.store.audit.search({ after: { at: at(10), id: 'not-an-id-of-this-store' }, limit: 100 }), before10);
    });

    it('refuses a limit that is not a positive integer', async () => {
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        await assertRejectsWith(t.store.audit.search({ limit }), RangeError);
        await assertRejectsWith(t.store.audit.search({ types: [], limit }), RangeError);
      }
    });

    it('returns copies', async () => {
      await t.store.audit.append(event());
      const [found] = await t.store.audit.search({ accountId: 'acc-1', limit: 1 });
      assert.ok(found);
      found.details.credentialId = 'mutated';
      assert.deepEqual(await t.store.audit.search({ accountId: 'acc-1', limit: 1 }), [{ id: found.id, ...event() }]);
    });
  });
});
