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
});
