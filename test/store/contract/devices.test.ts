// Phones set up for push approvals.
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { mongoTestUri, uniqueDbName } from '../../support/mongo.ts';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import type { Device, PushSubscriptionRecord } from '../../../src/store/types.ts';
import { forEachStore } from './support.ts';

forEachStore('devices', (t) => {
  const subscription = (n: number): PushSubscriptionRecord => ({
    endpoint: `https://push.example.net/send/${n}`,
    keys: { p256dh: `p256dh-${n}`, auth: `auth-${n}` },
  });
  const device = (accountId: string, id: string, overrides: Partial<Device> = {}): Device => ({
    id,
    accountId,
    credentialId: `cred-of-${id}`,
    subscription: subscription(1),
    name: 'iPhone 17',
    lang: 'en',
    createdAt: new Date(t.clock),
    lastSeenAt: new Date(t.clock),
    ...overrides,
  });

  it('adds, finds and lists devices oldest first (the id breaking ties)', async () => {
    const newer = device('acc-1', 'dev-newer', { createdAt: new Date(t.clock + 1000), subscription: subscription(2) });
    const older = device('acc-1', 'dev-older', { createdAt: new Date(t.clock - 1000), lastSeenAt: new Date(t.clock + 5000) });
    const tieB = device('acc-1', 'dev-tie-b');
    const tieA = device('acc-1', 'dev-tie-a');
    const other = device('acc-2', 'dev-other');
    for (const d of [newer, tieB, other, older, tieA]) await t.store.devices.add(d);

    assert.deepEqual(await t.store.devices.findById('dev-newer'), newer);
    assert.deepEqual(await t.store.devices.findById('dev-other'), other);
    assert.equal(await t.store.devices.findById('unknown'), undefined);
    assert.deepEqual(await t.store.devices.listByAccount('acc-1'), [older, tieA, tieB, newer]);
    assert.deepEqual(await t.store.devices.listByAccount('acc-2'), [other]);
    assert.deepEqual(await t.store.devices.listByAccount('nobody'), []);
  });

  it('is not changed by mutating the added or the returned device', async () => {
    const input = device('acc-1', 'dev-1');
    await t.store.devices.add(input);
    input.subscription.keys.auth = 'mutated input';
    input.name = 'mutated input';
    input.createdAt.setTime(0);
    const found = await t.store.devices.findById('dev-1');
    assert.ok(found);
    found.subscription.endpoint = 'https://evil.example/';
    found.lastSeenAt.setTime(0);
    const [listed] = await t.store.devices.listByAccount('acc-1');
    assert.ok(listed);
    listed.subscription.keys.p256dh = 'mutated output';
    assert.deepEqual(await t.store.devices.findById('dev-1'), device('acc-1', 'dev-1'));
  });

  it('refuses a credential ID that already belongs to a device, even of another account, and keeps the first', async () => {
    const first = device('acc-1', 'dev-1', { credentialId: 'cred-shared' });
    await t.store.devices.add(first);
    await assert.rejects(
      t.store.devices.add(device('acc-2', 'dev-2', { credentialId: 'cred-shared', name: 'Impostor', subscription: subscription(9) })),
      (err: unknown) => err instanceof DuplicateKeyError && err.field === 'credentialId',
    );
    assert.deepEqual(await t.store.devices.findById('dev-1'), first);
    assert.equal(await t.store.devices.findById('dev-2'), undefined);
    assert.deepEqual(await t.store.devices.listByAccount('acc-2'), []);
  });

  it("renames, re-subscribes and removes only the owner's device", async () => {
    await t.store.devices.add(device('acc-1', 'dev-1'));
    await t.store.devices.add(device('acc-2', 'dev-2'));
    const later = new Date(t.clock + 60_000);

    assert.equal(await t.store.devices.rename('acc-2', 'dev-1', 'Hijacked'), false);
    assert.equal(await t.store.devices.updateSubscription('acc-2', 'dev-1', subscription(666), later), false);
    assert.equal(await t.store.devices.remove('acc-2', 'dev-1'), false);
    assert.deepEqual(await t.store.devices.findById('dev-1'), device('acc-1', 'dev-1'), 'another account changed nothing');

    assert.equal(await t.store.devices.rename('acc-1', 'dev-1', 'Work phone'), true);
    assert.equal(await t.store.devices.rename('acc-1', 'dev-1', 'Work phone'), true, 'renaming to the same name still finds it');
    assert.equal(await t.store.devices.updateSubscription('acc-1', 'dev-1', subscription(2), later), true);
    assert.deepEqual(
      await t.store.devices.findById('dev-1'),
      device('acc-1', 'dev-1', { name: 'Work phone', subscription: subscription(2), lastSeenAt: later }),
    );
    assert.equal(await t.store.devices.rename('acc-1', 'unknown', 'x'), false);
    assert.equal(await t.store.devices.updateSubscription('acc-1', 'unknown', subscription(3), later), false);

    assert.equal(await t.store.devices.remove('acc-1', 'dev-1'), true);
    assert.equal(await t.store.devices.findById('dev-1'), undefined);
    assert.deepEqual(await t.store.devices.listByAccount('acc-1'), []);
    assert.equal(await t.store.devices.remove('acc-1', 'dev-1'), false);
    assert.equal(await t.store.devices.rename('acc-1', 'dev-1', 'gone'), false);
    assert.equal(await t.store.devices.updateSubscription('acc-1', 'dev-1', subscription(4), later), false);
    assert.equal(await t.store.devices.findById('dev-1'), undefined, 'nothing came back to life');
    assert.deepEqual(await t.store.devices.findById('dev-2'), device('acc-2', 'dev-2'));
    // The removed device's credential may set up a device again.
    await t.store.devices.add(device('acc-1', 'dev-3', { credentialId: 'cred-of-dev-1' }));
  });

  it('touch moves lastSeenAt only, and ignores an unknown id', async () => {
    await t.store.devices.add(device('acc-1', 'dev-1'));
    const at = new Date(t.clock + 5000);
    await t.store.devices.touch('dev-1', at);
    await t.store.devices.touch('unknown', at);
    assert.deepEqual(await t.store.devices.findById('dev-1'), device('acc-1', 'dev-1', { lastSeenAt: at }));
    assert.equal(await t.store.devices.findById('unknown'), undefined);
  });
});

describe('store contract (mongo only): devices', () => {
  it('reads a phone stored before its language was kept as Japanese, and keeps the language of a new one', async () => {
    const uri = await mongoTestUri(uniqueDbName('tobira_legacy_devices'));
    const raw = await mongoose.createConnection(uri).asPromise();
    const legacy = await createMongoStore(uri);
    try {
      await legacy.init();
      const at = new Date();
      const old = { accountId: 'acc-1', credentialId: 'cred-old', subscription: { endpoint: 'https://push.example.net/old', keys: { p256dh: 'p', auth: 'a' } }, name: 'Old phone', createdAt: at, lastSeenAt: at };
      await raw.collection('devices').insertOne({ _id: 'dev-old', ...old } as unknown as mongoose.mongo.OptionalId<mongoose.mongo.Document>);
      assert.deepEqual(await legacy.devices.findById('dev-old'), { id: 'dev-old', ...old, lang: 'ja' });
      await legacy.devices.add({ id: 'dev-new', ...old, credentialId: 'cred-new', lang: 'en' });
      assert.equal((await legacy.devices.findById('dev-new'))?.lang, 'en');
      assert.deepEqual((await legacy.devices.listByAccount('acc-1')).map((d) => d.lang).sort(), ['en', 'ja']);
    } finally {
      await Promise.all([legacy.close(), raw.close()]);
    }
  });
});
