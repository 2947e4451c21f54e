// Trusted browsers.
import assert from 'node:assert/strict';
import { DuplicateKeyError } from '../../../src/store/errors.ts';
import type { TrustedBrowser } from '../../../src/store/types.ts';
import { forEachStore, sha256 } from './support.ts';

forEachStore('trusted browsers', (t) => {
  const browser = (accountId: string, id: string, overrides: Partial<TrustedBrowser> = {}): TrustedBrowser => ({
    id,
    accountId,
    tokenHash: sha256(`cookie-of-${id}`),
    label: 'Chrome 156 on Windows',
    name: 'Home PC',
    createdAt: new Date(t.clock),
    lastUsedAt: new Date(t.clock),
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
    await t.store.trustedBrowsers.touch('tb-1', at);
    await t.store.trustedBrowsers.touch('unknown', at);
    assert.equal(await t.store.trustedBrowsers.rename('acc-1', 'tb-1', 'Office'), true);
    assert.equal(await t.store.trustedBrowsers.rename('acc-1', 'tb-1', 'Office'), true, 'renaming to the same name still finds it');
    assert.deepEqual(await t.store.trustedBrowsers.findByTokenHash(mine.tokenHash), { ...mine, name: 'Office', lastUsedAt: at });
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
});
