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

  it('removes consumed and expired records as later ones are written, without waiting for a sweep', async () => {
    const codes = new MemoryOidcModelStore('AuthorizationCode', now);
    for (const id of ['c1', 'c2', 'c3']) {
      await codes.upsert(id, { grantId: `g-${id}` }, 60);
      await codes.consume(id);
    }
    clock += 61_000;
    await codes.upsert('c4', { grantId: 'g-c4' }, 60);
    await codes.upsert('c5', { grantId: 'g-c5' }, 60);
    assert.deepEqual(codes.footprint().records, 2, 'only the live codes are held');
    assert.equal(codes.sweep(clock), 0, 'nothing was left for the sweep');
    assert.deepEqual(await codes.find('c5'), { grantId: 'g-c5' });
  });

  it('never removes a live record on a write, even behind an expired one', async () => {
    const tokens = new MemoryOidcModelStore('AccessToken', now);
    await tokens.upsert('long', { grantId: 'g' }, 3600);
    await tokens.upsert('short', { grantId: 'g' }, 60);
    clock += 61_000;
    await tokens.upsert('new', { grantId: 'g' }, 60);
    assert.deepEqual(await tokens.find('long'), { grantId: 'g' });
    assert.equal(tokens.sweep(clock), 1, 'the expired record behind a live one waits for the sweep');
    await tokens.revokeByGrantId('g');
    assert.equal(await tokens.find('long'), undefined);
    assert.equal(await tokens.find('new'), undefined);
  });

  it('hands out a fresh copy on each read, and says what it holds', async () => {
    const sessions = new MemoryOidcModelStore('Session', now);
    const payload = { uid: 'u1', accountId: 'a1', authorizations: { 'partner-web': { sid: 's', grantId: 'g' } } };
    await sessions.upsert('s1', payload, 3600);
    assert.deepEqual(sessions.footprint(), { records: 1, bytes: JSON.stringify(payload).length });
    const found = await sessions.find('s1');
    assert.ok(found);
    (found.authorizations as Record<string, unknown>)['partner-web'] = 'changed';
    assert.deepEqual(await sessions.find('s1'), payload);
  });
});
