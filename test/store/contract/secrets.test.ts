// Shared secrets: the first value written wins, in every process.
import assert from 'node:assert/strict';
import { forEachStore, race, valuesOf } from './support.ts';

forEachStore('secrets', (t) => {
  it('returns undefined for an unknown name', async () => {
    assert.equal(await t.store.secrets.get('nope'), undefined);
  });

  it('keeps the first value written, also under concurrent getOrInsert', async () => {
    const candidates = Array.from({ length: 5 }, (_, i) => ({ keys: [{ kid: `key.${i}`, k: `secret-${i}` }], 'cookie.keys': [`c${i}`] }));
    const results = valuesOf(await race(candidates.length, (i) => t.store.secrets.getOrInsert('jwks', candidates[i])));
    const [winner] = results;
    assert.ok(candidates.some((candidate) => JSON.stringify(candidate) === JSON.stringify(winner)), 'the stored value is one of the candidates');
    for (const result of results) assert.deepEqual(result, winner);
    assert.deepEqual(await t.store.secrets.get('jwks'), winner);
    assert.deepEqual(await t.store.secrets.getOrInsert('jwks', { keys: [] }), winner);
  });

  it('is not changed by mutating a returned value', async () => {
    const value = await t.store.secrets.getOrInsert('cookie-keys', ['a', 'b']);
    value.push('c');
    assert.deepEqual(await t.store.secrets.get('cookie-keys'), ['a', 'b']);
  });

  it('replaces a value only at the revision it was read at: of racing replaces exactly one wins', async () => {
    await t.store.secrets.getOrInsert('key-set', { generation: 0 });
    assert.deepEqual(await t.store.secrets.findVersioned('key-set'), { value: { generation: 0 }, revision: 0 });
    const results = valuesOf(await race(6, (i) => t.store.secrets.replace('key-set', 0, { generation: i + 1 })));
    assert.equal(results.filter(Boolean).length, 1, 'exactly one replace at revision 0 succeeds');
    const winner = results.indexOf(true) + 1;
    assert.deepEqual(await t.store.secrets.findVersioned('key-set'), { value: { generation: winner }, revision: 1 });
    assert.equal(await t.store.secrets.replace('key-set', 0, { generation: 99 }), false, 'a stale revision is refused');
    assert.deepEqual(await t.store.secrets.get('key-set'), { generation: winner }, 'and changes nothing');
    assert.equal(await t.store.secrets.replace('key-set', 1, { generation: 100 }), true);
    assert.deepEqual(await t.store.secrets.findVersioned('key-set'), { value: { generation: 100 }, revision: 2 });
  });

  it('replaces nothing under a name that has no value', async () => {
    assert.equal(await t.store.secrets.replace('never-written', 0, { a: 1 }), false);
    assert.equal(await t.store.secrets.findVersioned('never-written'), undefined);
  });
});
