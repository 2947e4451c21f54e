// Temporary blocks.
import assert from 'node:assert/strict';
import type { Device, TrustedBrowser } from '../../../src/store/types.ts';
import { forEachStore, sha256 } from './support.ts';

forEachStore('blocks', (t) => {
  it('finds a live block until it ends, and a new block replaces the old one', async () => {
    assert.equal(await t.store.blocks.find('push:acc-1'), undefined);
    await t.store.blocks.block('push:acc-1', new Date(t.clock + 3600_000), 'reported');
    await t.store.blocks.block('push:acc-2', new Date(t.clock + 60_000), 'other');
    assert.deepEqual(await t.store.blocks.find('push:acc-1'), { until: new Date(t.clock + 3600_000), reason: 'reported' });

    // A replacement may shorten the block as well as lengthen it.
    await t.store.blocks.block('push:acc-1', new Date(t.clock + 600_000), 'operator');
    assert.deepEqual(await t.store.blocks.find('push:acc-1'), { until: new Date(t.clock + 600_000), reason: 'operator' });
    t.clock += 599_999;
    assert.ok(await t.store.blocks.find('push:acc-1'));
    t.clock += 1;
    assert.equal(await t.store.blocks.find('push:acc-1'), undefined);
    assert.equal(await t.store.blocks.find('push:acc-2'), undefined);

    await t.store.blocks.block('push:acc-1', new Date(t.clock + 60_000), 'again');
    assert.deepEqual(await t.store.blocks.find('push:acc-1'), { until: new Date(t.clock + 60_000), reason: 'again' });
  });

  it('is not changed by mutating the given or the returned until', async () => {
    const until = new Date(t.clock + 60_000);
    await t.store.blocks.block('k', until, 'r');
    until.setTime(t.clock + 999_999_999);
    const found = await t.store.blocks.find('k');
    assert.ok(found);
    found.until.setTime(t.clock + 999_999_999);
    assert.deepEqual(await t.store.blocks.find('k'), { until: new Date(t.clock + 60_000), reason: 'r' });
  });

  it('sweepExpired deletes ended blocks, and never devices, nor trusted browsers before their trust ends', async () => {
    await t.store.blocks.block('short', new Date(t.clock + 60_000), 'r');
    await t.store.blocks.block('long', new Date(t.clock + 600_000), 'r');
    const old = new Date(t.clock - 10 * 365 * 24 * 3600_000);
    const device: Device = {
      id: 'dev-1',
      accountId: 'acc-1',
      credentialId: 'cred-1',
      subscription: { endpoint: 'https://push.example.net/1', keys: { p256dh: 'p', auth: 'a' } },
      name: 'Phone',
      lang: 'ja',
      createdAt: old,
      lastSeenAt: old,
    };
    const trusted: TrustedBrowser = { id: 'tb-1', accountId: 'acc-1', tokenHash: sha256('c'), label: 'l', name: 'n', createdAt: old, lastUsedAt: old, expiresAt: new Date(t.clock + 20 * 365 * 24 * 3600_000) };
    await t.store.devices.add(device);
    await t.store.trustedBrowsers.add(trusted);

    t.clock += 60_000;
    assert.equal(await t.store.sweepExpired(), 1);
    t.clock -= 30_000;
    assert.equal(await t.store.blocks.find('short'), undefined, 'really deleted, not hidden');
    assert.ok(await t.store.blocks.find('long'));
    t.clock += 10 * 365 * 24 * 3600_000;
    assert.equal(await t.store.sweepExpired(), 1);
    assert.deepEqual(await t.store.devices.findById('dev-1'), device);
    assert.deepEqual(await t.store.trustedBrowsers.findByTokenHash(trusted.tokenHash), trusted);
  });
});
