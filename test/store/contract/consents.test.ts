// Remembered consents and their expiry.
import assert from 'node:assert/strict';
import { forEachStore } from './support.ts';

forEachStore('consents', (t) => {
  it('remembers until forgotten', async () => {
    assert.equal(await t.store.consents.isRemembered('g1'), false);
    await t.store.consents.remember('g1', null);
    assert.equal(await t.store.consents.isRemembered('g1'), true);
    assert.equal(await t.store.consents.isRemembered('g2'), false);
    await t.store.consents.forget('g1');
    await t.store.consents.forget('never-remembered');
    assert.equal(await t.store.consents.isRemembered('g1'), false);
  });

  it('stops remembering at expiresAt, and sweepExpired removes it', async () => {
    await t.store.consents.remember('g1', new Date(t.clock + 60_000));
    await t.store.consents.remember('g2', null);
    t.clock += 59_999;
    assert.equal(await t.store.consents.isRemembered('g1'), true);
    t.clock += 1;
    assert.equal(await t.store.consents.isRemembered('g1'), false);
    assert.equal(await t.store.consents.isRemembered('g2'), true);
    assert.equal(await t.store.sweepExpired(), 1);
    t.clock -= 30_000;
    assert.equal(await t.store.consents.isRemembered('g1'), false);
  });

  it('replaces the expiry when remembered again', async () => {
    await t.store.consents.remember('g1', new Date(t.clock + 1000));
    await t.store.consents.remember('g1', null);
    t.clock += 10_000;
    assert.equal(await t.store.consents.isRemembered('g1'), true);
  });
});
