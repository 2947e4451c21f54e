// The audit log: append-only, listed newest first.
import assert from 'node:assert/strict';
import type { NewAuditEvent } from '../../../src/store/types.ts';
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

  it('is append-only: no method but append and the two lists, and returned events are copies', async () => {
    assert.deepEqual(methodNames(t.store.audit), ['append', 'list', 'listByAccount']);
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
});
