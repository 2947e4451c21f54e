// Trusted browsers.
import assert from 'node:assert/strict';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import type { TrustedBrowser } from '../../../src/store/types.ts';
import mongoose from 'mongoose';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { mongoTestUri, uniqueDbName } from '../../support/mongo.ts';
import { forEachStore, sha256 } from './support.ts';

const DAY = 24 * 3600_000;

forEachStore('trusted browsers', (t) => {
  const browser = (accountId: string, id: string, overrides: Partial<TrustedBrowser> = {}): TrustedBrowser => ({
    id,
    accountId,
    tokenHash: sha256(`cookie-of-${id}`),
    label: 'Chrome 156 on Windows',
    name: 'Home PC',
    createdAt: new Date(t.clock),
    lastUsedAt: new Date(t.clock),
    expiresAt: new Date(t.clock + DAY),
    ...overrides,
  });

  it('adds, finds by token hash and lists browsers oldest first (the id breaking ties)', async () => {
    const newer = browser('acc-1', 'tb-newer', { createdAt: new Date(t.clock + 1000), label: 'Safari 26 on iOS' });
    const older = browser('acc-1', 'tb-older', { createdAt: new Date(t.clock - 1000) });
    const tieB = browser('acc-1', 'tb-tie-b');
    const tieA = browser('acc-1', 'tb-tie-a');
    const other = browser('acc-2', 'tb-other');
    for (const b of [newer, tieB, other, older, tieA]) await t.store.trustedBrowsers.add(b);

    assert.deepEqual(await t.store.trustedBrowsers.findByTokenHash(sha256('cookie-of-tb-newer')), newer);
    assert.deepEqual(await t.store.trustedBrowsers.findByTokenHash(sha256('cookie-of-tb-other')), other);
    assert.equal(await t.store.trustedBrowsers.findByTokenHash(sha256('unknown')), undefined);
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('acc-1'), [older, tieA, tieB, newer]);
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('acc-2'), [other]);
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('nobody'), []);
  });

  it('is not changed by mutating the added or the returned browser', async () => {
    const input = browser('acc-1', 'tb-1');
    await t.store.trustedBrowsers.add(input);
    input.name = 'mutated input';
    input.lastUsedAt.setTime(0);
    const found = await t.store.trustedBrowsers.findByTokenHash(browser('acc-1', 'tb-1').tokenHash);
    assert.ok(found);
    found.accountId = 'acc-2';
    found.createdAt.setTime(0);
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('acc-1'), [browser('acc-1', 'tb-1')]);
  });

  it('refuses a token hash stored before, even for another account, and keeps the first', async () => {
    const first = browser('acc-1', 'tb-1');
    await t.store.trustedBrowsers.add(first);
    await assert.rejects(
      t.store.trustedBrowsers.add(browser('acc-2', 'tb-2', { tokenHash: first.tokenHash, name: 'Impostor' })),
      (err: unknown) => err instanceof DuplicateKeyError && err.field === 'tokenHash',
    );
    assert.deepEqual(await t.store.trustedBrowsers.findByTokenHash(first.tokenHash), first);
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('acc-2'), []);
  });

  it("touches any browser, but renames and removes only the owner's", async () => {
    const mine = browser('acc-1', 'tb-1');
    const theirs = browser('acc-2', 'tb-2');
    await t.store.trustedBrowsers.add(mine);
    await t.store.trustedBrowsers.add(theirs);

    assert.equal(await t.store.trustedBrowsers.rename('acc-2', 'tb-1', 'Hijacked'), false);
    assert.equal(await t.store.trustedBrowsers.remove('acc-2', 'tb-1'), false);
    assert.deepEqual(await t.store.trustedBrowsers.findByTokenHash(mine.tokenHash), mine, 'another account changed nothing');

    const at = new Date(t.clock + 5000);
    const until = new Date(t.clock + 5000 + DAY);
    await t.store.trustedBrowsers.touch('tb-1', at, until);
    await t.store.trustedBrowsers.touch('unknown', at, until);
    assert.equal(await t.store.trustedBrowsers.rename('acc-1', 'tb-1', 'Office'), true);
    assert.equal(await t.store.trustedBrowsers.rename('acc-1', 'tb-1', 'Office'), true, 'renaming to the same name still finds it');
    assert.deepEqual(await t.store.trustedBrowsers.findByTokenHash(mine.tokenHash), { ...mine, name: 'Office', lastUsedAt: at, expiresAt: until });
    assert.equal(await t.store.trustedBrowsers.rename('acc-1', 'unknown', 'x'), false);

    assert.equal(await t.store.trustedBrowsers.remove('acc-1', 'tb-1'), true);
    assert.equal(await t.store.trustedBrowsers.findByTokenHash(mine.tokenHash), undefined);
    assert.equal(await t.store.trustedBrowsers.remove('acc-1', 'tb-1'), false);
    assert.equal(await t.store.trustedBrowsers.rename('acc-1', 'tb-1', 'gone'), false);
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('acc-1'), []);
    assert.deepEqual(await t.store.trustedBrowsers.findByTokenHash(theirs.tokenHash), theirs);
    // A removed browser's token hash may be stored again.
    await t.store.trustedBrowsers.add(browser('acc-1', 'tb-3', { tokenHash: mine.tokenHash }));
  });

  it("removeAllForAccount removes that account's browsers only and says how many", async () => {
    for (const id of ['tb-1', 'tb-2', 'tb-3']) await t.store.trustedBrowsers.add(browser('acc-1', id));
    const theirs = browser('acc-2', 'tb-4');
    await t.store.trustedBrowsers.add(theirs);

    assert.equal(await t.store.trustedBrowsers.removeAllForAccount('acc-1'), 3);
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('acc-1'), []);
    assert.equal(await t.store.trustedBrowsers.findByTokenHash(browser('acc-1', 'tb-2').tokenHash), undefined);
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('acc-2'), [theirs]);
    assert.equal(await t.store.trustedBrowsers.removeAllForAccount('acc-1'), 0);
    assert.equal(await t.store.trustedBrowsers.removeAllForAccount('nobody'), 0);
  });

  it('neither finds nor lists a browser past its expiry; a use extends it; sweepExpired deletes it', async () => {
    const used = browser('acc-1', 'tb-used');
    const unused = browser('acc-1', 'tb-unused');
    await t.store.trustedBrowsers.add(used);
    await t.store.trustedBrowsers.add(unused);
    const later = new Date(t.clock + DAY / 2);
    await t.store.trustedBrowsers.touch('tb-used', later, new Date(later.getTime() + DAY));

    t.clock += DAY;
    assert.equal(await t.store.trustedBrowsers.findByTokenHash(unused.tokenHash), undefined, 'expired: its cookie is gone');
    assert.deepEqual(await t.store.trustedBrowsers.listByAccount('acc-1'), [{ ...used, lastUsedAt: later, expiresAt: new Date(later.getTime() + DAY) }]);
    assert.equal(await t.store.sweepExpired(), 1);
    t.clock -= DAY;
    assert.equal(await t.store.trustedBrowsers.findByTokenHash(unused.tokenHash), undefined, 'really deleted, not hidden');
    assert.equal((await t.store.trustedBrowsers.listByAccount('acc-1')).length, 1);
  });
});

describe('store contract (mongo only): trusted browsers', () => {
  it('keeps trusting a browser stored before trust expired, until its next use dates it', async () => {
    const uri = await mongoTestUri(uniqueDbName('tobira_legacy_browsers'));
    const raw = await mongoose.createConnection(uri).asPromise();
    let clock = Date.now();
    const legacy = await createMongoStore(uri, { now: () => clock });
    try {
      await legacy.init();
      const at = new Date(clock - 1000 * DAY);
      const old = { accountId: 'acc-1', tokenHash: sha256('old cookie'), label: 'Chrome 120 on Windows', name: 'Old PC', createdAt: at, lastUsedAt: at };
      await raw.collection('trusted_browsers').insertOne({ _id: 'tb-old', ...old } as unknown as mongoose.mongo.OptionalId<mongoose.mongo.Document>);
      const found = await legacy.trustedBrowsers.findByTokenHash(old.tokenHash);
      assert.equal(found?.id, 'tb-old');
      assert.ok(found.expiresAt.getTime() > clock + 100 * 365 * DAY, 'no expiry stored: it does not expire');
      assert.equal(await legacy.sweepExpired(), 0);
      await legacy.trustedBrowsers.touch('tb-old', new Date(clock), new Date(clock + DAY));
      clock += 2 * DAY;
      assert.equal(await legacy.trustedBrowsers.findByTokenHash(old.tokenHash), undefined, 'dated by its use, it expires like any other');
      assert.equal(await legacy.sweepExpired(), 1);
    } finally {
      await Promise.all([legacy.close(), raw.close()]);
    }
  });
});
