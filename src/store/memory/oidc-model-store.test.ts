import assert from 'node:assert/strict';
import { StoreUnavailableError } from '../errors.ts';
import { MemoryOidcModelStore } from './oidc-model-store.ts';

describe('memory oidc model store: bounded', () => {
  let clock: number;
  const now = (): number => clock;

  beforeEach(() => {
    clock = Date.UTC(2026, 0, 1);
  });

  it('refuses a new record at the cap with StoreUnavailableError, keeping every live one', async () => {
    const sessions = new MemoryOidcModelStore('Session', now, 3);
    for (const id of ['s1', 's2', 's3']) await sessions.upsert(id, { uid: `u-${id}` }, 3600);
    await assert.rejects(sessions.upsert('s4', { uid: 'u-s4' }, 3600), StoreUnavailableError);
    assert.equal(await sessions.find('s4'), undefined, 'nothing of the refused record is kept');
    for (const id of ['s1', 's2', 's3']) assert.deepEqual(await sessions.find(id), { uid: `u-${id}` }, `${id} stays`);
    // Saving a record it already holds is not growth.
    await sessions.upsert('s2', { uid: 'u-s2', accountId: 'a' }, 3600);
    assert.deepEqual(await sessions.findByUid('u-s2'), { uid: 'u-s2', accountId: 'a' });
  });

  it('makes room at the cap by evicting expired records, never live ones', async () => {
    const codes = new MemoryOidcModelStore('AuthorizationCode', now, 3);
    await codes.upsert('short', { grantId: 'g' }, 60);
    await codes.upsert('long1', { grantId: 'g' }, 3600);
    await codes.upsert('long2', { grantId: 'g' }, 3600);
    clock += 61_000;
    await codes.upsert('new', { grantId: 'g' }, 3600);
    assert.deepEqual(await codes.find('new'), { grantId: 'g' });
    assert.deepEqual(await codes.find('long1'), { grantId: 'g' });
    assert.deepEqual(await codes.find('long2'), { grantId: 'g' });
    assert.equal(codes.sweep(clock), 0, 'the expired record was already evicted');
    await assert.rejects(codes.upsert('one-more', { grantId: 'g' }, 3600), StoreUnavailableError);
  });
});
