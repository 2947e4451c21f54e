// Remembered consents: per account and partner, the latest decision, and their expiry.
import assert from 'node:assert/strict';
import type { RememberedConsent } from '../../../src/store/types.ts';
import { forEachStore, race, valuesOf } from './support.ts';

function consent(overrides: Partial<RememberedConsent> = {}): RememberedConsent {
  return { accountId: 'a1', clientId: 'shop:web', scope: 'openid email', claims: [], rememberedAt: new Date(0), expiresAt: null, ...overrides };
}

forEachStore('consents', (t) => {
  it('remembers per account and partner until forgotten', async () => {
    assert.equal(await t.store.consents.find('a1', 'shop:web'), undefined);
    await t.store.consents.remember(consent({ claims: ['name'] }));
    await t.store.consents.remember(consent({ clientId: 'other' }));
    await t.store.consents.remember(consent({ accountId: 'a2' }));
    assert.deepEqual(await t.store.consents.find('a1', 'shop:web'), consent({ claims: ['name'] }));
    assert.equal(await t.store.consents.find('a1', 'shop'), undefined);
    assert.deepEqual((await t.store.consents.listByAccount('a1')).map((c) => c.clientId).sort(), ['other', 'shop:web']);
    await t.store.consents.forget('a1', 'shop:web');
    await t.store.consents.forget('a1', 'never-remembered');
    assert.equal(await t.store.consents.find('a1', 'shop:web'), undefined);
    assert.deepEqual((await t.store.consents.listByAccount('a1')).map((c) => c.clientId), ['other']);
    assert.equal((await t.store.consents.listByAccount('a2')).length, 1);
  });

  it('keeps the latest decision for the same partner', async () => {
    await t.store.consents.remember(consent({ scope: 'openid email', expiresAt: new Date(t.clock + 1000) }));
    await t.store.consents.remember(consent({ scope: 'openid email profile', expiresAt: null }));
    t.clock += 10_000;
    assert.equal((await t.store.consents.find('a1', 'shop:web'))?.scope, 'openid email profile');
    assert.equal((await t.store.consents.listByAccount('a1')).length, 1);
  });

  it('stops remembering at expiresAt, and sweepExpired removes it', async () => {
    await t.store.consents.remember(consent({ expiresAt: new Date(t.clock + 60_000) }));
    await t.store.consents.remember(consent({ clientId: 'forever' }));
    t.clock += 59_999;
    assert.ok(await t.store.consents.find('a1', 'shop:web'));
    t.clock += 1;
    assert.equal(await t.store.consents.find('a1', 'shop:web'), undefined);
    assert.deepEqual((await t.store.consents.listByAccount('a1')).map((c) => c.clientId), ['forever']);
    assert.equal(await t.store.sweepExpired(), 1);
    t.clock -= 30_000;
    assert.equal(await t.store.consents.find('a1', 'shop:web'), undefined);
  });

  it('keeps one of two decisions made at once, whole', async () => {
    valuesOf(await race(2, (i) => t.store.consents.remember(i === 0 ? consent({ scope: 'openid email', claims: ['email'] }) : consent({ scope: 'openid profile', claims: ['name'] }))));
    const kept = await t.store.consents.find('a1', 'shop:web');
    assert.ok(kept && ((kept.scope === 'openid email' && kept.claims[0] === 'email') || (kept.scope === 'openid profile' && kept.claims[0] === 'name')), JSON.stringify(kept));
    assert.equal((await t.store.consents.listByAccount('a1')).length, 1);
  });
});
