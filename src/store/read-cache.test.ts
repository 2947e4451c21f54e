import assert from 'node:assert/strict';
import { createMemoryStore } from './memory/index.ts';
import { readCachingStore, withStoreReadCache } from './read-cache.ts';
import type { Store } from './types.ts';

/** A memory store that counts the reads reaching it. */
function countedStore(): { store: Store; reads: () => number } {
  const inner = createMemoryStore();
  let reads = 0;
  const accounts = inner.accounts;
  const findById = accounts.findById.bind(accounts);
  accounts.findById = (id) => { reads += 1; return findById(id); };
  const interactions = inner.oidc('Interaction');
  const find = interactions.find.bind(interactions);
  interactions.find = (id) => { reads += 1; return find(id); };
  return { store: readCachingStore(inner), reads: () => reads };
}

const newAccount = { email: 'a@example.com', emailVerified: true, name: 'A', passwordHash: null };

describe('store read cache (one request)', () => {
  it('answers repeated reads of one key within a request from the first read', async () => {
    const { store, reads } = countedStore();
    const { id } = await store.accounts.create(newAccount);
    await store.oidc('Interaction').upsert('i1', { uid: 'i1', n: 1 }, 600);
    await withStoreReadCache(async () => {
      const [a, b] = await Promise.all([store.accounts.findById(id), store.accounts.findById(id)]);
      assert.equal(a?.email, 'a@example.com');
      assert.deepEqual(a, b);
      assert.deepEqual(await store.oidc('Interaction').find('i1'), { uid: 'i1', n: 1 });
      assert.deepEqual(await store.oidc('Interaction').find('i1'), { uid: 'i1', n: 1 });
    });
    assert.equal(reads(), 2, 'one read of the account, one of the interaction');
  });

  it('hands out copies: changing one answer changes neither the store nor the next answer', async () => {
    const { store } = countedStore();
    const { id } = await store.accounts.create(newAccount);
    await withStoreReadCache(async () => {
      const first = await store.accounts.findById(id);
      first!.name = 'changed by the caller';
      assert.equal((await store.accounts.findById(id))?.name, 'A');
    });
  });

  it('forgets what a repository kept when it is written to, and sees the write', async () => {
    const { store, reads } = countedStore();
    const { id } = await store.accounts.create(newAccount);
    await store.oidc('Interaction').upsert('i1', { uid: 'i1', n: 1 }, 600);
    await withStoreReadCache(async () => {
      await store.accounts.findById(id);
      await store.accounts.setName(id, 'B', new Date());
      assert.equal((await store.accounts.findById(id))?.name, 'B');
      await store.oidc('Interaction').find('i1');
      await store.oidc('Interaction').upsert('i1', { uid: 'i1', n: 2 }, 600);
      assert.deepEqual(await store.oidc('Interaction').find('i1'), { uid: 'i1', n: 2 });
      await store.oidc('Interaction').destroy('i1');
      assert.equal(await store.oidc('Interaction').find('i1'), undefined);
    });
    assert.equal(reads(), 5);
  });

  it('keeps nothing outside a request, across requests, or after the request is done', async () => {
    const { store, reads } = countedStore();
    const { id } = await store.accounts.create(newAccount);
    await store.accounts.findById(id);
    await store.accounts.findById(id);
    assert.equal(reads(), 2, 'no scope: every read reaches the store');
    await withStoreReadCache(async () => { await store.accounts.findById(id); });
    await withStoreReadCache(async () => { await store.accounts.findById(id); });
    assert.equal(reads(), 4, 'each request reads once');
    let later: Promise<unknown> = Promise.resolve();
    await withStoreReadCache(async () => {
      await store.accounts.findById(id);
      // Work the request leaves running (an event stream's polling) reads the store itself.
      later = new Promise((resolve) => setTimeout(resolve, 10)).then(() => store.accounts.findById(id));
    });
    await later;
    assert.equal(reads(), 6);
  });

  it('does not keep a failed read', async () => {
    const inner = createMemoryStore();
    let calls = 0;
    inner.accounts.findById = async () => {
      calls += 1;
      if (calls === 1) throw new Error('store hiccup');
      return undefined;
    };
    const store = readCachingStore(inner);
    await withStoreReadCache(async () => {
      await assert.rejects(store.accounts.findById('x'), /store hiccup/);
      assert.equal(await store.accounts.findById('x'), undefined);
    });
    assert.equal(calls, 2);
  });

  it('hands out one wrapped instance per model name', () => {
    const store = readCachingStore(createMemoryStore());
    assert.equal(store.oidc('Session'), store.oidc('Session'));
    assert.notEqual(store.oidc('Session'), store.oidc('Grant'));
  });
});
