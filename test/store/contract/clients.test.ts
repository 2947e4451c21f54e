// Client registrations: one winner per client_id, revision-checked edits, a version token that
// changes with every change (what other processes poll).
import assert from 'node:assert/strict';
import { DuplicateKeyError, RevisionConflictError } from '../../../src/store/errors.ts';
import { forEachStore, race, withTwoConnections } from './support.ts';

const metadata = (name: string): Record<string, unknown> => ({ client_id: 'shop', client_name: name, redirect_uris: ['https://shop.example/cb'], 'x.dotted': { $odd: [[1]] } });

forEachStore('clients', (t) => {
  it('creates at revision 1, finds and lists it, and returns copies', async () => {
    assert.equal(await t.store.clients.find('shop'), undefined);
    const created = await t.store.clients.create({ clientId: 'shop', metadata: metadata('Shop'), disabled: false });
    assert.equal(created.revision, 1);
    assert.equal(created.disabled, false);
    const found = await t.store.clients.find('shop');
    assert.deepEqual(found?.metadata, metadata('Shop'));
    assert.equal(found?.createdAt.getTime(), t.clock);
    found!.metadata.client_name = 'changed';
    assert.equal((await t.store.clients.find('shop'))?.metadata.client_name, 'Shop');
    await t.store.clients.create({ clientId: 'a-first', metadata: metadata('A'), disabled: true });
    assert.deepEqual((await t.store.clients.list()).map((c) => [c.clientId, c.disabled]), [['a-first', true], ['shop', false]]);
  });

  it('lets exactly one of two concurrent creates of one client_id win', async () => {
    const results = await race(2, (i) => t.store.clients.create({ clientId: 'shop', metadata: metadata(`Shop ${i}`), disabled: false }));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok((lost[0] as PromiseRejectedResult).reason instanceof DuplicateKeyError);
    const stored = await t.store.clients.find('shop');
    assert.equal(stored?.metadata.client_name, (won[0] as PromiseFulfilledResult<{ metadata: Record<string, unknown> }>).value.metadata.client_name);
  });

  it('applies an update only on the revision it was made on', async () => {
    await t.store.clients.create({ clientId: 'shop', metadata: metadata('Shop'), disabled: false });
    t.clock += 1000;
    const updated = await t.store.clients.update('shop', 1, { metadata: metadata('Shop 2') });
    assert.equal(updated?.revision, 2);
    assert.equal(updated?.metadata.client_name, 'Shop 2');
    assert.equal(updated?.updatedAt.getTime(), t.clock);
    await assert.rejects(t.store.clients.update('shop', 1, { disabled: true }), (err) => err instanceof RevisionConflictError && err.revision === 2);
    const found = await t.store.clients.find('shop');
    assert.equal(found?.disabled, false, 'the stale edit changed nothing');
    const disabled = await t.store.clients.update('shop', 2, { disabled: true });
    assert.equal(disabled?.disabled, true);
    assert.equal(disabled?.metadata.client_name, 'Shop 2', 'a change of one field keeps the others');
    assert.equal(await t.store.clients.update('nope', 1, { disabled: true }), undefined);
  });

  it('lets exactly one of concurrent edits of one revision win; the others are told the new revision', async () => {
    await t.store.clients.create({ clientId: 'shop', metadata: metadata('Shop'), disabled: false });
    const results = await race(4, (i) => t.store.clients.update('shop', 1, { metadata: metadata(`Edit ${i}`) }));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof RevisionConflictError, String(r.reason));
    const stored = await t.store.clients.find('shop');
    assert.equal(stored?.revision, 2);
    assert.equal(stored?.metadata.client_name, (won[0] as PromiseFulfilledResult<{ metadata: Record<string, unknown> } | undefined>).value?.metadata.client_name);
  });

  it('deletes, and the id may be registered again', async () => {
    await t.store.clients.create({ clientId: 'shop', metadata: metadata('Shop'), disabled: false });
    assert.equal(await t.store.clients.delete('shop'), true);
    assert.equal(await t.store.clients.delete('shop'), false);
    assert.equal(await t.store.clients.find('shop'), undefined);
    const again = await t.store.clients.create({ clientId: 'shop', metadata: metadata('Again'), disabled: false });
    assert.equal(again.revision, 1);
    assert.equal((await t.store.clients.update('shop', 1, { disabled: true }))?.revision, 2);
  });

  it('changes the version token with every create, update and delete, and not on reads', async () => {
    const seen = new Set<string | undefined>([await t.store.clients.findVersion()]);
    const expectNew = async (): Promise<void> => {
      const version = await t.store.clients.findVersion();
      assert.ok(version !== undefined && !seen.has(version), 'a new version token');
      seen.add(version);
    };
    await t.store.clients.create({ clientId: 'shop', metadata: metadata('Shop'), disabled: false });
    await expectNew();
    await t.store.clients.update('shop', 1, { disabled: true });
    await expectNew();
    const before = await t.store.clients.findVersion();
    await t.store.clients.list();
    await t.store.clients.find('shop');
    await t.store.clients.delete('nope');
    assert.equal(await t.store.clients.findVersion(), before);
    await t.store.clients.delete('shop');
    await expectNew();
  });
});

describe('store contract (mongo, two connections): clients', () => {
  it('one create of a client_id wins and one edit of a revision wins, whichever connection makes it', async () => {
    await withTwoConnections(async (a, b, either) => {
      const created = await race(4, (i) => either(i).clients.create({ clientId: 'shop', metadata: metadata(`Shop ${i}`), disabled: false }));
      assert.equal(created.filter((r) => r.status === 'fulfilled').length, 1);
      const edits = await race(4, (i) => either(i).clients.update('shop', 1, { metadata: metadata(`Edit ${i}`) }));
      assert.equal(edits.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of edits) if (r.status === 'rejected') assert.ok(r.reason instanceof RevisionConflictError, String(r.reason));
      assert.equal((await b.clients.find('shop'))?.revision, 2);
      assert.equal(await a.clients.findVersion(), await b.clients.findVersion(), 'both see one version token');
    });
  });
});
