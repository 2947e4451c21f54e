// The store as a whole: its kind, ping, choosing and opening it, and the mongo store's own duties
// (indexes, TTL support, failing once closed).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DuplicateKeyError, StoreUnavailableError } from '../../../src/store/errors.ts';
import { openStore } from '../../../src/store/index.ts';
import { createMongoStore } from '../../../src/store/mongo/index.ts';
import { mongoTestUri, uniqueDbName } from '../../support/mongo.ts';
import { assertRejectsWith, forEachStore } from './support.ts';

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

forEachStore('the store', (t) => {
  it('reports its kind and answers ping', async () => {
    assert.equal(t.store.kind, t.kind);
    await t.store.ping();
  });
});

forEachStore('mongo specifics', (t) => {
  it('reports whether TTL indexes exist (FerretDB has none)', () => {
    assert.ok('ttlSupported' in t.store);
    assert.equal(typeof t.store.ttlSupported, 'boolean');
    if (!process.env.MONGODB_URI) assert.equal(t.store.ttlSupported, false);
  });

  it('init() can run again', async () => {
    await t.store.init();
    await t.store.init();
    await t.store.oidc('Session').upsert('s1', { uid: 'u1' }, 60);
    assert.deepEqual(await t.store.oidc('Session').findByUid('u1'), { uid: 'u1' });
  });

  it('fails with StoreUnavailableError once closed', async () => {
    const uri = await mongoTestUri(uniqueDbName('tobira_closed'));
    const closed = await createMongoStore(uri, { serverSelectionTimeoutMS: 1000 });
    await closed.close();
    await assertRejectsWith(closed.ping(), StoreUnavailableError);
    await assertRejectsWith(closed.oidc('Session').find('s1'), StoreUnavailableError);
  });
}, ['mongo']);

describe('store selection', () => {
  it('opens the memory store without a MongoDB URI', async () => {
    const store = await openStore({});
    try {
      assert.equal(store.kind, 'memory');
    } finally {
      await store.close();
    }
  });

  it('opens and initialises the mongo store with a URI', async () => {
    const store = await openStore({ mongodbUri: await mongoTestUri(uniqueDbName('tobira_open')) });
    try {
      assert.equal(store.kind, 'mongo');
      await store.ping();
      await store.oidc('Session').upsert('s1', { uid: 'u1' }, 60);
      await assertRejectsWith(store.oidc('Session').upsert('s2', { uid: 'u1' }, 60), DuplicateKeyError);
    } finally {
      await store.close();
    }
  });

  it('rejects with StoreUnavailableError within seconds when nothing listens', async () => {
    const port = await closedLoopbackPort();
    const started = Date.now();
    await assertRejectsWith(openStore({ mongodbUri: `mongodb://127.0.0.1:${port}/tobira`, serverSelectionTimeoutMS: 1000 }), StoreUnavailableError);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
